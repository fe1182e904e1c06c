package dev.sendout.api.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.content.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VonageSignatureTest {

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final String SECRET = "a-signature-secret-of-the-account";
  private static final byte[] BODY =
      """
      {"message_uuid":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab","status":"delivered"}"""
          .getBytes(StandardCharsets.UTF_8);

  private final VonageSignature verifier =
      new VonageSignature(
          new VonageWebhookProperties(SECRET, Duration.ofMinutes(5)),
          Clock.fixed(NOW, ZoneOffset.UTC));

  /** As Vonage signs a webhook: HS256 with the signature secret, the body's hash as a claim. */
  private static String token(String secret, Instant issuedAt, String payloadHash) {
    return "Bearer "
        + JWT.create()
            .withIssuedAt(issuedAt)
            .withJWTId(UUID.randomUUID().toString())
            .withIssuer("Vonage")
            .withClaim("payload_hash", payloadHash)
            .sign(Algorithm.HMAC256(secret));
  }

  private static String token(byte[] body) {
    return token(SECRET, NOW, Sha256.hex(body));
  }

  @Test
  void acceptsATokenSignedWithTheSecretOverThisBody() {
    assertThatCode(() -> verifier.verify(token(BODY), BODY)).doesNotThrowAnyException();
  }

  @Test
  void acceptsAnUpperCaseHashAndALowerCaseScheme() {
    String upper = token(SECRET, NOW, Sha256.hex(BODY).toUpperCase());
    assertThatCode(() -> verifier.verify("bearer " + upper.substring(7), BODY))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesATokenSignedWithAnotherSecret() {
    String forged = token("not-the-secret", NOW, Sha256.hex(BODY));
    assertProblem(forged, BODY, ProblemType.BEARER_INVALID, "signature");
  }

  @Test
  void refusesABodyChangedAfterSigning() {
    byte[] changed =
        new String(BODY, StandardCharsets.UTF_8)
            .replace("delivered", "rejected")
            .getBytes(StandardCharsets.UTF_8);
    assertProblem(token(BODY), changed, ProblemType.BEARER_INVALID, "payload_hash");
  }

  @Test
  void refusesATokenWithoutPayloadHash() {
    String noHash = "Bearer " + JWT.create().withIssuedAt(NOW).sign(Algorithm.HMAC256(SECRET));
    assertProblem(noHash, BODY, ProblemType.BEARER_INVALID, "payload_hash");
  }

  @Test
  void refusesAStaleTokenAsAReplay() {
    String old = token(SECRET, NOW.minus(Duration.ofMinutes(6)), Sha256.hex(BODY));
    assertProblem(old, BODY, ProblemType.BEARER_INVALID, "iat");
  }

  /** A signed token past its exp, or before its nbf, was accepted: only iat was looked at. */
  @Test
  void refusesATokenPastItsExpiryOrBeforeItsStart() {
    Duration sixMinutes = Duration.ofMinutes(6);
    assertProblem(
        signed(bodyToken().withExpiresAt(NOW.minus(sixMinutes))),
        BODY,
        ProblemType.BEARER_INVALID,
        "exp");
    assertProblem(
        signed(bodyToken().withNotBefore(NOW.plus(sixMinutes))),
        BODY,
        ProblemType.BEARER_INVALID,
        "nbf");
    String withinLeeway =
        signed(
            bodyToken()
                .withExpiresAt(NOW.minus(Duration.ofMinutes(1)))
                .withNotBefore(NOW.plus(Duration.ofMinutes(1))));
    assertThatCode(() -> verifier.verify(withinLeeway, BODY)).doesNotThrowAnyException();
  }

  private static JWTCreator.Builder bodyToken() {
    return JWT.create().withIssuedAt(NOW).withClaim("payload_hash", Sha256.hex(BODY));
  }

  private static String signed(JWTCreator.Builder token) {
    return "Bearer " + token.sign(Algorithm.HMAC256(SECRET));
  }

  /** Vonage's own check refused these as "signature does not verify": no leeway at all. */
  @Test
  void acceptsATokenIssuedAheadOfOurClockWithinTheAge() {
    for (Duration ahead : List.of(Duration.ofSeconds(1), Duration.ofSeconds(60))) {
      String token = token(SECRET, NOW.plus(ahead), Sha256.hex(BODY));
      assertThatCode(() -> verifier.verify(token, BODY)).doesNotThrowAnyException();
    }
    String tooFar = token(SECRET, NOW.plus(Duration.ofMinutes(6)), Sha256.hex(BODY));
    assertProblem(tooFar, BODY, ProblemType.BEARER_INVALID, "iat");
  }

  @Test
  void refusesAnotherAlgorithmAndAForgedTokenBeforeTheBody() {
    String hs512 =
        "Bearer "
            + JWT.create()
                .withIssuedAt(NOW)
                .withClaim("payload_hash", Sha256.hex(BODY))
                .sign(Algorithm.HMAC512(SECRET));
    assertProblem(hs512, BODY, ProblemType.BEARER_INVALID, "HS256");
    assertThatThrownBy(() -> verifier.requireSigned(token("not-the-secret", NOW, "any")))
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining("signature");
  }

  @Test
  void refusesAMissingOrMalformedHeader() {
    assertProblem(null, BODY, ProblemType.SIGNATURE_MISSING, "Bearer");
    assertProblem("Basic dXNlcjpwYXNz", BODY, ProblemType.SIGNATURE_MISSING, "Bearer");
    assertProblem("Bearer ", BODY, ProblemType.SIGNATURE_MISSING, "Bearer");
    assertProblem("Bearer not.a.jwt", BODY, ProblemType.BEARER_INVALID, "signature");
  }

  @Test
  void bothProblemsAreUnauthorized() {
    assertThat(ProblemType.SIGNATURE_MISSING.status().value()).isEqualTo(401);
    assertThat(ProblemType.BEARER_INVALID.status().value()).isEqualTo(401);
  }

  @Test
  void refusesToStartWithoutASecret() {
    assertThatThrownBy(
            () ->
                new VonageSignature(
                    new VonageWebhookProperties(" ", Duration.ofMinutes(5)), Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("VONAGE_SIGNATURE_SECRET");
  }

  private void assertProblem(String header, byte[] body, ProblemType type, String detailPart) {
    assertThatThrownBy(() -> verifier.verify(header, body))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> {
              assertThat(problem.type()).isEqualTo(type);
              assertThat(problem.getMessage()).contains(detailPart);
            });
  }
}
