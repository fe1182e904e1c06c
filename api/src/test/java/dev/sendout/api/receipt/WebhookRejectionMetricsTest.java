package dev.sendout.api.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.inbound.VonageInboundController;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
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

  private static InputStream body() {
    return new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8));
  }

  /** A body that must not be read: an unsigned call is refused on its headers alone. */
  private static final class Unread extends InputStream {
    boolean read;

    @Override
    public int read() {
      read = true;
      return -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      read = true;
      return -1;
    }
  }

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private static VonageSignature vonageSignature() {
    return new VonageSignature(
        new VonageWebhookProperties("secret", Duration.ofMinutes(5)), Clock.systemUTC());
  }

  private double rejected(String provider, String reason) {
    var counter =
        meters.find("sendout.webhooks.rejected").tag("provider", provider).tag("reason", reason);
    return counter.counter() == null ? 0 : counter.counter().count();
  }

  @Test
  void vonageCallsWithoutOrWithAForgedTokenAreCountedAndRefused() {
    var controller = new VonageWebhookController(vonageSignature(), null, null, meters);

    assertThatThrownBy(() -> controller.receive(null, body())).isInstanceOf(ApiProblem.class);
    assertThatThrownBy(() -> controller.receive("Bearer a.b.c", body()))
        .isInstanceOf(ApiProblem.class);
    assertThatThrownBy(() -> controller.receive("Bearer x.y.z", body()))
        .isInstanceOf(ApiProblem.class);

    assertThat(rejected("vonage", "unsigned")).isEqualTo(1);
    assertThat(rejected("vonage", "invalid")).isEqualTo(2);
  }

  @Test
  void vonageRepliesWithoutOrWithAForgedTokenAreCountedWithTheStatusWebhooks() {
    var inbound = new VonageInboundController(vonageSignature(), null, meters, Clock.systemUTC());

    assertThatThrownBy(() -> inbound.receive(null, body())).isInstanceOf(ApiProblem.class);
    assertThatThrownBy(() -> inbound.receive("Bearer a.b.c", body()))
        .isInstanceOf(ApiProblem.class);

    assertThat(rejected("vonage", "unsigned")).isEqualTo(1);
    assertThat(rejected("vonage", "invalid")).isEqualTo(1);
  }

  @Test
  void aRefusalOtherThanOfTheSignatureIsNotCountedAsOne() {
    var counted = new ReceiptMeters(meters, "vonage");

    counted.rejected(new ApiProblem(ProblemType.BODY_TOO_LARGE, "over the limit"));

    assertThat(rejected("vonage", "unsigned") + rejected("vonage", "invalid")).isZero();
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

    assertThatThrownBy(() -> controller.receive(null, null, body())).isInstanceOf(ApiProblem.class);
    assertThatThrownBy(() -> controller.receive(now, "bm90LWEtc2lnbmF0dXJl", body()))
        .isInstanceOf(ApiProblem.class);

    assertThat(rejected("sendgrid", "unsigned")).isEqualTo(1);
    assertThat(rejected("sendgrid", "invalid")).isEqualTo(1);
  }

  @Test
  void anUnsignedCallIsRefusedWithoutReadingItsBody() throws Exception {
    var vonage = new VonageWebhookController(vonageSignature(), null, null, meters);
    var vonageBody = new Unread();
    var sendGridBody = new Unread();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    var sendGrid =
        new SendGridWebhookController(
            new SendGridSignature(
                new SendGridWebhookProperties(
                    Base64.getEncoder()
                        .encodeToString(generator.generateKeyPair().getPublic().getEncoded()),
                    Duration.ofMinutes(5)),
                Clock.systemUTC()),
            null,
            null,
            meters);

    assertThatThrownBy(() -> vonage.receive("Basic x", vonageBody))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.type()).isEqualTo(ProblemType.SIGNATURE_MISSING));
    assertThatThrownBy(() -> sendGrid.receive("1700000000", " ", sendGridBody))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.type()).isEqualTo(ProblemType.SIGNATURE_MISSING));
    assertThat(vonageBody.read).isFalse();
    assertThat(sendGridBody.read).isFalse();
  }
}
