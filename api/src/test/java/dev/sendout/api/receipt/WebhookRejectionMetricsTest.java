package dev.sendout.api.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Refused webhook calls are counted by provider and reason, and stop before the store: the
 * controllers here have none, so a call that got past verification would fail differently.
 */
class WebhookRejectionMetricsTest {

  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private double rejected(String provider, String reason) {
    var counter =
        meters.find("sendout.webhooks.rejected").tag("provider", provider).tag("reason", reason);
    return counter.counter() == null ? 0 : counter.counter().count();
  }

  @Test
  void vonageCallsWithoutOrWithAForgedTokenAreCountedAndRefused() {
    var controller =
        new VonageWebhookController(
            new VonageSignature(
                new VonageWebhookProperties("secret", Duration.ofMinutes(5)), Clock.systemUTC()),
            null,
            null,
            meters);

    assertThatThrownBy(() -> controller.receive(null, BODY)).isInstanceOf(ApiProblem.class);
    assertThatThrownBy(() -> controller.receive("Bearer a.b.c", BODY))
        .isInstanceOf(ApiProblem.class);
    assertThatThrownBy(() -> controller.receive("Bearer x.y.z", BODY))
        .isInstanceOf(ApiProblem.class);

    assertThat(rejected("vonage", "unsigned")).isEqualTo(1);
    assertThat(rejected("vonage", "invalid")).isEqualTo(2);
  }

  @Test
  void sendGridCallsWithoutOrWithABadSignatureAreCountedAndRefused() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    String publicKey =
        Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
    var controller =
        new SendGridWebhookController(
            new SendGridSignature(
                new SendGridWebhookProperties(publicKey, Duration.ofMinutes(5)), Clock.systemUTC()),
            null,
            null,
            meters);
    String now = String.valueOf(Clock.systemUTC().instant().getEpochSecond());

    assertThatThrownBy(() -> controller.receive(null, null, BODY)).isInstanceOf(ApiProblem.class);
    assertThatThrownBy(() -> controller.receive(now, "bm90LWEtc2lnbmF0dXJl", BODY))
        .isInstanceOf(ApiProblem.class);

    assertThat(rejected("sendgrid", "unsigned")).isEqualTo(1);
    assertThat(rejected("sendgrid", "invalid")).isEqualTo(1);
  }
}
