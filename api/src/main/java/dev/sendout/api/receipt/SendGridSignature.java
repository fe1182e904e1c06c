package dev.sendout.api.receipt;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.config.InvalidSetting;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * Verifies SendGrid's Signed Event Webhook: an ECDSA P-256 / SHA-256 signature (base64 of DER) over
 * the {@code X-Twilio-Email-Event-Webhook-Timestamp} header's bytes followed by the raw body. The
 * JDK does this alone; SendGrid's own helper would pull in BouncyCastle.
 *
 * <p>A valid signature on an old timestamp is refused too, so that a captured request cannot be
 * replayed later. A replay within the window is harmless: its events are already stored and
 * deduplicate.
 */
@Component
public class SendGridSignature {

  public static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
  public static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";

  private final PublicKey publicKey;
  private final Duration maxAge;
  private final Clock clock;

  public SendGridSignature(SendGridWebhookProperties properties, Clock clock) {
    this.publicKey = publicKey(properties.publicKey());
    this.maxAge = properties.maxAge();
    this.clock = clock;
  }

  /**
   * Throws a 401 problem when the call carries no signature at all, and a 403 when its timestamp is
   * not a time within the age: checked before its body is read, so that such a call is refused
   * without reading a body its sender may trickle for minutes.
   */
  public void requireSigned(String timestamp, String signature) {
    if (timestamp == null || signature == null || timestamp.isBlank() || signature.isBlank()) {
      throw new ApiProblem(
          ProblemType.SIGNATURE_MISSING,
          "Missing %s or %s".formatted(SIGNATURE_HEADER, TIMESTAMP_HEADER));
    }
    Instant signedAt;
    try {
      signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
    } catch (NumberFormatException | DateTimeException e) {
      throw invalid("The timestamp is not a number of seconds");
    }
    if (Duration.between(signedAt, clock.instant()).abs().compareTo(maxAge) > 0) {
      throw invalid("The timestamp is more than " + maxAge + " away from now");
    }
  }

  /** Returns normally when the request is SendGrid's; otherwise throws a 401 or 403 problem. */
  public void verify(String timestamp, String signature, byte[] body) {
    requireSigned(timestamp, signature);
    if (!signatureMatches(timestamp, signature, body)) {
      throw invalid("The signature does not match the timestamp and body");
    }
  }

  private boolean signatureMatches(String timestamp, String signature, byte[] body) {
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(publicKey);
      verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
      verifier.update(body);
      return verifier.verify(Base64.getDecoder().decode(signature.trim()));
    } catch (IllegalArgumentException | GeneralSecurityException malformed) {
      return false;
    }
  }

  private static ApiProblem invalid(String detail) {
    return new ApiProblem(ProblemType.SIGNATURE_INVALID, detail);
  }

  private static PublicKey publicKey(String base64) {
    if (base64 == null || base64.isBlank()) {
      throw InvalidSetting.missing(
          "SENDGRID_WEBHOOK_PUBLIC_KEY",
          "the verification key of SendGrid's Signed Event Webhook; without it no delivery"
              + " receipt can be trusted");
    }
    try {
      return KeyFactory.getInstance("EC")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw InvalidSetting.invalid(
          "SENDGRID_WEBHOOK_PUBLIC_KEY", "it is not a base64 X.509 EC public key", e);
    }
  }
}
