package dev.sendout.api.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SendGridSignatureTest {

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final String TIMESTAMP = String.valueOf(NOW.getEpochSecond());
  private static final byte[] BODY =
      "[{\"event\":\"delivered\",\"sg_event_id\":\"e1\"}]".getBytes(StandardCharsets.UTF_8);

  private final KeyPair sendGrid = keyPair();
  private final SendGridSignature verifier = verifierFor(sendGrid);

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SendGridSignature verifierFor(KeyPair keys) {
    String publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    return new SendGridSignature(
        new SendGridWebhookProperties(publicKey, Duration.ofMinutes(5)),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** As SendGrid signs: the timestamp's bytes, then the raw body. */
  private static String sign(KeyPair keys, String timestamp, byte[] body) {
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate());
      signer.update(timestamp.getBytes(StandardCharsets.UTF_8));
      signer.update(body);
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void refusedAs(ProblemType type, Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ApiProblem.class, problem -> assertThat(problem.type()).isEqualTo(type));
  }

  @Test
  void aRequestSignedBySendGridVerifies() {
    String signature = sign(sendGrid, TIMESTAMP, BODY);

    assertThatCode(() -> verifier.verify(TIMESTAMP, signature, BODY)).doesNotThrowAnyException();
  }

  @Test
  void aBodyChangedAfterSigningIsRefused() {
    String signature = sign(sendGrid, TIMESTAMP, BODY);
    byte[] tampered = "[{\"event\":\"delivered\",\"sg_event_id\":\"e2\"}]".getBytes();

    refusedAs(ProblemType.SIGNATURE_INVALID, () -> verifier.verify(TIMESTAMP, signature, tampered));
  }

  @Test
  void aTimestampChangedAfterSigningIsRefused() {
    String signature = sign(sendGrid, TIMESTAMP, BODY);
    String otherTime = String.valueOf(NOW.getEpochSecond() - 1);

    refusedAs(ProblemType.SIGNATURE_INVALID, () -> verifier.verify(otherTime, signature, BODY));
  }

  @Test
  void aValidSignatureOnAStaleOrFutureTimestampIsRefusedAsAReplay() {
    String stale = String.valueOf(NOW.minus(Duration.ofMinutes(6)).getEpochSecond());
    String future = String.valueOf(NOW.plus(Duration.ofMinutes(6)).getEpochSecond());
    String recent = String.valueOf(NOW.minus(Duration.ofMinutes(4)).getEpochSecond());

    refusedAs(
        ProblemType.SIGNATURE_INVALID,
        () -> verifier.verify(stale, sign(sendGrid, stale, BODY), BODY));
    refusedAs(
        ProblemType.SIGNATURE_INVALID,
        () -> verifier.verify(future, sign(sendGrid, future, BODY), BODY));
    assertThatCode(() -> verifier.verify(recent, sign(sendGrid, recent, BODY), BODY))
        .doesNotThrowAnyException();
  }

  /** Refused from the headers alone, before a body its sender may trickle for minutes is read. */
  @Test
  void aStaleOrNonNumericTimestampIsRefusedBeforeTheBody() {
    String stale = String.valueOf(NOW.minus(Duration.ofMinutes(6)).getEpochSecond());
    refusedAs(ProblemType.SIGNATURE_INVALID, () -> verifier.requireSigned(stale, "c2ln"));
    refusedAs(ProblemType.SIGNATURE_INVALID, () -> verifier.requireSigned("soon", "c2ln"));
  }

  @Test
  void aRequestSignedWithAnotherKeyIsRefused() {
    String forged = sign(keyPair(), TIMESTAMP, BODY);

    refusedAs(ProblemType.SIGNATURE_INVALID, () -> verifier.verify(TIMESTAMP, forged, BODY));
  }

  @Test
  void garbageInTheHeadersIsRefusedNotAnError() {
    refusedAs(ProblemType.SIGNATURE_INVALID, () -> verifier.verify(TIMESTAMP, "not base64!", BODY));
    refusedAs(ProblemType.SIGNATURE_INVALID, () -> verifier.verify(TIMESTAMP, "AAAA", BODY));
    refusedAs(
        ProblemType.SIGNATURE_INVALID,
        () -> verifier.verify("yesterday", sign(sendGrid, "yesterday", BODY), BODY));
    String beyondTime = "99999999999999999";
    refusedAs(
        ProblemType.SIGNATURE_INVALID,
        () -> verifier.verify(beyondTime, sign(sendGrid, beyondTime, BODY), BODY));
  }

  @Test
  void missingHeadersAreRefusedAsUnauthenticated() {
    String signature = sign(sendGrid, TIMESTAMP, BODY);

    refusedAs(ProblemType.SIGNATURE_MISSING, () -> verifier.verify(null, signature, BODY));
    refusedAs(ProblemType.SIGNATURE_MISSING, () -> verifier.verify(TIMESTAMP, null, BODY));
    refusedAs(ProblemType.SIGNATURE_MISSING, () -> verifier.verify(" ", "", BODY));
  }

  @Test
  void withoutAConfiguredKeyTheApiRefusesToStart() {
    assertThatThrownBy(
            () ->
                new SendGridSignature(
                    new SendGridWebhookProperties(" ", Duration.ofMinutes(5)), Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SENDGRID_WEBHOOK_PUBLIC_KEY");
  }
}
