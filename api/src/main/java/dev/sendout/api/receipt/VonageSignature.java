package dev.sendout.api.receipt;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.vonage.jwt.Jwt;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.config.InvalidSetting;
import dev.sendout.core.content.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Verifies a Vonage signed webhook: {@code Authorization: Bearer <JWT>}, signed HS256 with the
 * account's signature secret (checked by Vonage's own {@link Jwt#verifySignature}), whose {@code
 * payload_hash} claim is the SHA-256 hex of the raw body. The signature alone would let a captured
 * token carry any body; the hash ties the token to this body.
 *
 * <p>As for SendGrid, a token whose {@code iat} is further than the configured age from our clock
 * is refused, so that a captured request cannot be replayed later; a replay within the window is
 * harmless, because its status is already stored and deduplicates.
 */
@Component
public class VonageSignature {

  private static final String BEARER = "bearer ";

  private final String secret;
  private final Duration maxAge;
  private final Clock clock;

  public VonageSignature(VonageWebhookProperties properties, Clock clock) {
    if (properties.signatureSecret() == null || properties.signatureSecret().isBlank()) {
      throw InvalidSetting.missing(
          "VONAGE_SIGNATURE_SECRET",
          "the secret Vonage signs its status webhooks with; without it no SMS status can be"
              + " trusted");
    }
    this.secret = properties.signatureSecret();
    this.maxAge = properties.maxAge();
    this.clock = clock;
  }

  /**
   * Throws a 401 problem when the call carries no bearer token at all: checked before its body is
   * read, so that an unsigned call is refused without reading it.
   */
  public void requireSigned(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || authorization.substring(BEARER.length()).isBlank()) {
      throw new ApiProblem(ProblemType.SIGNATURE_MISSING, "Missing Authorization: Bearer <JWT>");
    }
  }

  /** Returns normally when the request is Vonage's; otherwise throws a 401 problem. */
  public void verify(String authorization, byte[] body) {
    requireSigned(authorization);
    String token = authorization.substring(BEARER.length()).trim();
    if (!signatureMatches(token)) {
      throw invalid("The token's signature does not verify with the signature secret");
    }
    DecodedJWT claims = JWT.decode(token);
    Instant issuedAt = claims.getIssuedAtAsInstant();
    if (issuedAt == null
        || Duration.between(issuedAt, clock.instant()).abs().compareTo(maxAge) > 0) {
      throw invalid("The token's iat is missing or more than " + maxAge + " away from now");
    }
    String payloadHash = claims.getClaim("payload_hash").asString();
    if (payloadHash == null
        || !MessageDigest.isEqual(
            payloadHash.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
            Sha256.hex(body).getBytes(StandardCharsets.US_ASCII))) {
      throw invalid("The token's payload_hash does not match the body");
    }
  }

  private boolean signatureMatches(String token) {
    try {
      return Jwt.verifySignature(token, secret);
    } catch (JWTDecodeException | IllegalArgumentException malformed) {
      return false;
    }
  }

  private static ApiProblem invalid(String detail) {
    return new ApiProblem(ProblemType.BEARER_INVALID, detail);
  }
}
