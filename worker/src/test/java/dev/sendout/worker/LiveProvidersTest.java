package dev.sendout.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sendout.core.config.InvalidSetting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With SENDOUT_PROVIDERS=live the worker has no provider defaults: each address and key must be
 * set, and nothing of the sandbox's stands in. Started in-process through the worker's own entry
 * point; the refusal comes before it connects to anything ({@link WorkerStartupTest} checks the
 * same from a process of its own, with the exit code and the printed line).
 */
class LiveProvidersTest {

  private static final Map<String, String> REAL =
      Map.of(
          "SENDGRID_BASE_URL", "https://api.sendgrid.com",
          "SENDGRID_API_KEY", "SG.a-real-looking-key",
          "VONAGE_BASE_URL", "https://api.nexmo.com",
          "VONAGE_API_KEY", "a-real-key",
          "VONAGE_API_SECRET", "a-real-secret",
          "SENDOUT_PUBLIC_URL", "https://sendout.example.com",
          "SENDOUT_UNSUBSCRIBE_SECRET", "a-real-unsubscribe-secret-of-32-characters");

  /**
   * Starts the worker in live mode with the real settings except those left out, which are then not
   * set at all (so that their defaults would apply), and with {@code overrides}; returns the
   * variable its refusal names.
   */
  private static String refusal(List<String> leftOut, String... overrides) {
    Map<String, String> settings = new LinkedHashMap<>(REAL);
    settings.put("SENDOUT_PROVIDERS", "live");
    // Where the compose stack's sandbox listens: a default of the sandbox mode only.
    settings.put("SENDOUT_SANDBOX_URL", "http://sandbox:8025");
    for (String name : leftOut) {
      assumeTrue(System.getenv(name) == null, name + " is set in this test's environment");
      settings.remove(name);
    }
    for (String override : overrides) {
      String[] nameAndValue = override.split("=", 2);
      settings.put(nameAndValue[0], nameAndValue[1]);
    }
    List<String> arguments = new ArrayList<>();
    settings.forEach((name, value) -> arguments.add("--" + name + "=" + value));
    try (var worker = WorkerApplication.application().run(arguments.toArray(String[]::new))) {
      throw new AssertionError("The worker started");
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause != null && !(cause instanceof InvalidSetting)) {
        cause = cause.getCause();
      }
      assertThat(cause).as("refused for a setting: %s", e).isNotNull();
      return ((InvalidSetting) cause).variable();
    }
  }

  @Test
  void everyProviderAddressAndKeyIsRequiredAndTheSandboxsAddressIsNoDefault() {
    assertThat(refusal(List.of("SENDGRID_BASE_URL"))).isEqualTo("SENDGRID_BASE_URL");
    assertThat(refusal(List.of("SENDGRID_API_KEY"))).isEqualTo("SENDGRID_API_KEY");
    assertThat(refusal(List.of("VONAGE_BASE_URL"))).isEqualTo("VONAGE_BASE_URL");
    assertThat(refusal(List.of("VONAGE_API_KEY"))).isEqualTo("VONAGE_APPLICATION_ID");
    assertThat(refusal(List.of("VONAGE_API_SECRET"))).isEqualTo("VONAGE_APPLICATION_ID");
  }

  @Test
  void theUnsubscribeLinksAddressAndSecretAreRequired() {
    assertThat(refusal(List.of("SENDOUT_PUBLIC_URL"))).isEqualTo("SENDOUT_PUBLIC_URL");
    // Found by a sweep of what goes out: one-click unsubscribe needs an HTTPS link (RFC 8058).
    assertThat(refusal(List.of(), "SENDOUT_PUBLIC_URL=http://sendout.example.com"))
        .isEqualTo("SENDOUT_PUBLIC_URL");
    assertThat(refusal(List.of("SENDOUT_UNSUBSCRIBE_SECRET")))
        .isEqualTo("SENDOUT_UNSUBSCRIBE_SECRET");
  }

  @Test
  void profilesThatLeaveOutLiveAreRefusedRatherThanFallBackToTheSandbox() {
    assertThat(refusal(List.of(), "spring.profiles.active=metrics"))
        .isEqualTo("SPRING_PROFILES_ACTIVE");
  }

  @Test
  void aMisspeltModeIsRefused() {
    assertThat(refusal(List.of(), "SENDOUT_PROVIDERS=Live")).isEqualTo("SENDOUT_PROVIDERS");
  }
}
