package dev.sendout.api.receipt;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
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
 * account's signature secret, whose {@code payload_hash} claim is the SHA-256 hex of the raw body.
 * The signature alone would let a captured token carry any body; the hash ties the token to this
 * body.
 *
 * <p>As for SendGrid, a token whose {@code iat} is further than the configured age from our clock,
 * either way, is refused, so that a captured request cannot be replayed later; a replay within the
 * window is harmless, because its status is already stored and deduplicates. An {@code exp} or
 * {@code nbf} the token carries is held to with the same leeway. The token is checked before the
 * body is read ({@link #requireSigned}): a forged one is refused without reading a body that its
 * sender may trickle for minutes. Vonage's own {@code Jwt.verifySignature} is not used: it also
 * refused, as a bad signature, a token issued a second ahead of our clock.
 */
@Component
public class VonageSignature {

  private static final String BEARER = "bearer ";

  private final Algorithm algorithm;
  private final Duration maxAge;
  private final Clock clock;

  public VonageSignature(VonageWebhookProperties properties, Clock clock) {
    if (properties.signatureSecret() == null || properties.signatureSecret().isBlank()) {
      throw InvalidSetting.missing(
          "VONAGE_SIGNATURE_SECRET",
          "the secret Vonage signs its status webhooks with; without it no SMS status can be"
              + " trusted");
    }
    this.algorithm = Algorithm.HMAC256(properties.signatureSecret());
    this.maxAge = properties.maxAge();
    this.clock = clock;
  }

  /**
   * Returns the call's token when it is signed with the secret and issued within the age; otherwise
   * throws a 401 problem. Checked before the body is read.
   */
  public DecodedJWT requireSigned(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || authorization.substring(BEARER.length()).isBlank()) {
      throw new ApiProblem(ProblemType.SIGNATURE_MISSING, "Missing Authorization: Bearer <JWT>");
    }
    DecodedJWT token;
    try {
      token = JWT.decode(authorization.substring(BEARER.length()).trim());
      if (!algorithm.getName().equals(token.getAlgorithm())) {
        throw invalid("The token is not signed HS256 with the signature secret");
      }
      algorithm.verify(token);
    } catch (JWTDecodeException | SignatureVerificationException | IllegalArgumentException e) {
      throw invalid("The token's signature does not verify with the signature secret");
    }
    Instant issuedAt = token.getIssuedAtAsInstant();
    if (issuedAt == null
        || Duration.between(issuedAt, clock.instant()).abs().compareTo(maxAge) > 0) {
      throw invalid("The token's iat is missing or more than " + maxAge + " away from now");
    }
    // Vonage's tokens carry neither, but a token that says when it stops or starts being valid is
    // held to it (RFC 7519), with the leeway for clocks that iat has.
    Instant expiresAt = token.getExpiresAtAsInstant();
    if (expiresAt != null && clock.instant().minus(maxAge).isAfter(expiresAt)) {
      throw invalid("The token expired at " + expiresAt + " (exp)");
    }
    Instant notBefore = token.getNotBeforeAsInstant();
    if (notBefore != null && clock.instant().plus(maxAge).isBefore(notBefore)) {
      throw invalid("The token is not valid before " + notBefore + " (nbf)");
    }
    return token;
  }

  /** Returns normally when the request is Vonage's; otherwise throws a 401 problem. */
  public void verify(String authorization, byte[] body) {
    String payloadHash = requireSigned(authorization).getClaim("payload_hash").asString();
    if (payloadHash == null
        || !MessageDigest.isEqual(
            payloadHash.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
            Sha256.hex(body).getBytes(StandardCharsets.US_ASCII))) {
      throw invalid("The token's payload_hash does not match the body");
    }
  }

  private static ApiProblem invalid(String detail) {
    return new ApiProblem(ProblemType.BEARER_INVALID, detail);
  }
}
