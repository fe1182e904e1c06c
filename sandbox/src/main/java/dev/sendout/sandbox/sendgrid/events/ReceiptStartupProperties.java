package dev.sendout.sandbox.sendgrid.events;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Event Webhook settings read once at start and never shown: the signing key pair and the seed
 * of the fate draws. They share the {@code sandbox.sendgrid.receipts} prefix with {@link
 * ReceiptSettings}, each binding only the keys it declares.
 *
 * @param privateKey base64 PKCS#8 DER of an EC P-256 private key, or empty to generate a key pair
 * @param publicKey base64 X.509 SubjectPublicKeyInfo DER of the matching public key, required
 *     exactly when the private key is given, because deriving it would take elliptic-curve point
 *     arithmetic that the JDK does not expose
 * @param seed makes the fate draws repeatable when set; null draws fresh randomness
 */
@ConfigurationProperties("sandbox.sendgrid.receipts")
public record ReceiptStartupProperties(
    @DefaultValue("") String privateKey, @DefaultValue("") String publicKey, Long seed) {

  public ReceiptStartupProperties {
    privateKey = privateKey == null ? "" : privateKey.trim();
    publicKey = publicKey == null ? "" : publicKey.trim();
  }

  /** Leaves the private key out, since Spring may print bound properties when start-up fails. */
  @Override
  public String toString() {
    return "ReceiptStartupProperties[privateKey="
        + (privateKey.isEmpty() ? "" : "(hidden)")
        + ", publicKey="
        + publicKey
        + ", seed="
        + seed
        + "]";
  }
}
