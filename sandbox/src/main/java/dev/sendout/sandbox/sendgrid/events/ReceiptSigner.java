package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.webhook.WebhookSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Signs event batches the way SendGrid's Signed Event Webhook does: ECDSA with SHA-256 over the
 * timestamp header's bytes followed by the raw body, sent as base64 of the DER signature.
 */
@Component
class ReceiptSigner implements WebhookSigner {

  static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
  static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";

  private static final Logger log = LoggerFactory.getLogger(ReceiptSigner.class);

  private final PrivateKey privateKey;
  private final String publicKey;

  ReceiptSigner(ReceiptStartupProperties properties) {
    KeyPair keys = SigningKeys.load(properties.privateKey(), properties.publicKey());
    this.privateKey = keys.getPrivate();
    this.publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    // The public key is what SendGrid calls the verification key; a receiver needs it and it is not
    // secret, so it is logged once to make wiring up a receiver easy.
    log.info("Event Webhook verification key (base64 X.509): {}", publicKey);
  }

  /** The verification key as base64 X.509 SubjectPublicKeyInfo DER, as SendGrid shows it. */
  String publicKey() {
    return publicKey;
  }

  /** Signs with the current time, so every attempt of a batch carries a fresh timestamp. */
  @Override
  public Map<String, String> headers(byte[] body) {
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    return Map.of(TIMESTAMP_HEADER, timestamp, SIGNATURE_HEADER, sign(timestamp, body));
  }

  String sign(String timestamp, byte[] body) {
    try {
      // Signature objects are not thread-safe, and one per batch costs nothing next to the POST.
      Signature signature = Signature.getInstance(SigningKeys.SIGNATURE_ALGORITHM);
      signature.initSign(privateKey);
      signature.update(timestamp.getBytes(StandardCharsets.UTF_8));
      signature.update(body);
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Signing an event batch failed.", e);
    }
  }
}
