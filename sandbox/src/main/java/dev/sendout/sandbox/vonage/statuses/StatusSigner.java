package dev.sendout.sandbox.vonage.statuses;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import dev.sendout.sandbox.vonage.VonageSandboxProperties;
import dev.sendout.sandbox.webhook.WebhookSigner;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Signs status webhooks as Vonage does: an {@code Authorization: Bearer} JWT, HS256 with the
 * account's signature secret, whose {@code payload_hash} claim binds it to the exact body bytes.
 */
@Component
public class StatusSigner implements WebhookSigner {

  static final String ISSUER = "Vonage";
  static final String PAYLOAD_HASH_CLAIM = "payload_hash";

  private final Algorithm algorithm;
  private final String applicationId;
  private final String apiKey;

  StatusSigner(StatusStartupProperties secrets, VonageSandboxProperties properties) {
    // Without a secret the settings holder never lets statuses be switched on, so nothing is
    // ever signed; java-jwt refuses to build an HMAC algorithm from an empty secret anyway.
    this.algorithm =
        secrets.hasSignatureSecret() ? Algorithm.HMAC256(secrets.signatureSecret()) : null;
    this.applicationId = properties.applicationId();
    this.apiKey = properties.apiKey();
  }

  /** A fresh token for each attempt, so a retried POST carries a current {@code iat}. */
  @Override
  public Map<String, String> headers(byte[] body) {
    return Map.of("Authorization", "Bearer " + sign(body));
  }

  public String sign(byte[] body) {
    JWTCreator.Builder jwt =
        JWT.create()
            .withIssuedAt(Instant.now())
            .withJWTId(UUID.randomUUID().toString())
            .withIssuer(ISSUER)
            .withClaim(PAYLOAD_HASH_CLAIM, sha256Hex(body))
            .withClaim("api_key", apiKey);
    if (!applicationId.isEmpty()) {
      jwt.withClaim("application_id", applicationId);
    }
    return jwt.sign(algorithm);
  }

  static String sha256Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK provides SHA-256.", e);
    }
  }
}
