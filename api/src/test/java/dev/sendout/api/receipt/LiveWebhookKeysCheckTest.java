package dev.sendout.api.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiApplication;
import dev.sendout.core.config.InvalidSetting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * With SENDOUT_PROVIDERS=live the api refuses to start unless the real providers' webhook keys are
 * set: not without them, and not with the sandbox's imported in their place (as the compose stack
 * imports them). Started as main starts it; the refusal comes before it connects to anything, so no
 * database or Temporal is needed here.
 */
@ExtendWith(OutputCaptureExtension.class)
class LiveWebhookKeysCheckTest {

  @TempDir Path dir;

  /** Runs the api's own entry point with these arguments; returns how its start failed. */
  private static Throwable start(String... arguments) {
    Throwable failure = null;
    try (var api = ApiApplication.application().run(arguments)) {
      // Started: the check let it through.
    } catch (Throwable e) {
      failure = e;
    }
    assertThat(failure).as("the api refuses to start").isNotNull();
    return failure;
  }

  /** A keys file like the one SandboxKeys writes for the compose stack. */
  private String sandboxKeysImport() throws Exception {
    Path file = dir.resolve("sandbox-keys.properties");
    Files.writeString(
        file,
        """
        SANDBOX_SENDGRID_WEBHOOK_PUBLIC_KEY=MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsandbox
        SENDGRID_WEBHOOK_PUBLIC_KEY=MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsandbox
        SANDBOX_VONAGE_SIGNATURE_SECRET=sandbox-signature-secret
        VONAGE_SIGNATURE_SECRET=sandbox-signature-secret
        SANDBOX_UNSUBSCRIBE_SECRET=sandbox-unsubscribe-secret-of-at-least-32-chars
        SENDOUT_UNSUBSCRIBE_SECRET=sandbox-unsubscribe-secret-of-at-least-32-chars
        """);
    return "--spring.config.import=file:" + file;
  }

  @Test
  void liveWithoutTheSendGridWebhookKeyStopsTheApiNamingIt(CapturedOutput output) {
    Throwable failure =
        start(
            "--SENDOUT_PROVIDERS=live",
            "--SENDGRID_WEBHOOK_PUBLIC_KEY=",
            "--VONAGE_SIGNATURE_SECRET=a-real-secret");

    assertThat(failure).isInstanceOf(InvalidSetting.class);
    assertThat(((InvalidSetting) failure).variable()).isEqualTo("SENDGRID_WEBHOOK_PUBLIC_KEY");
    assertThat(output.getOut() + output.getErr())
        .contains(
            "SENDGRID_WEBHOOK_PUBLIC_KEY is not set: the api verifies SendGrid's Event Webhook"
                + " with the key of its Signed Event Webhook; with SENDOUT_PROVIDERS=live it has"
                + " no default");
  }

  @Test
  void liveRefusesTheSandboxsImportedKeysWhateverElseIsSet() throws Exception {
    Throwable sendGrid = start("--SENDOUT_PROVIDERS=live", sandboxKeysImport());
    Throwable vonage =
        start(
            "--SENDOUT_PROVIDERS=live",
            sandboxKeysImport(),
            "--SENDGRID_WEBHOOK_PUBLIC_KEY=MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEreal");

    assertThat(sendGrid)
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith("SENDGRID_WEBHOOK_PUBLIC_KEY is not set: ")
        .hasMessageContaining("the value in use is the sandbox's");
    assertThat(vonage)
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith("VONAGE_SIGNATURE_SECRET is not set: ")
        .hasMessageContaining("the value in use is the sandbox's");
  }

  @Test
  void liveWithoutItsOwnUnsubscribeSecretStopsTheApiNamingIt() throws Exception {
    Throwable unset =
        start(
            "--SENDOUT_PROVIDERS=live",
            "--SENDGRID_WEBHOOK_PUBLIC_KEY=MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEreal",
            "--VONAGE_SIGNATURE_SECRET=a-real-secret");
    Throwable sandbox =
        start(
            "--SENDOUT_PROVIDERS=live",
            sandboxKeysImport(),
            "--SENDGRID_WEBHOOK_PUBLIC_KEY=MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEreal",
            "--VONAGE_SIGNATURE_SECRET=a-real-secret");

    assertThat(unset)
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith("SENDOUT_UNSUBSCRIBE_SECRET is not set: ");
    assertThat(sandbox)
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith("SENDOUT_UNSUBSCRIBE_SECRET is not set: ")
        .hasMessageContaining("the value in use is the sandbox's");
  }

  @Test
  void aMisspeltModeStopsTheApiRatherThanTrustTheSandbox() {
    assertThat(start("--SENDOUT_PROVIDERS=Live"))
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith("SENDOUT_PROVIDERS is invalid: ");
  }
}
