package dev.sendout.sandbox.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class VonageAuthenticatorTest {

  private static final KeyPair KEYS = VonageIntegrationTest.rsaKeyPair();

  @Test
  void readsThePublicKeyInPemArmourAsTheDashboardShowsIt() {
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(KEYS.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    VonageAuthenticator authenticator = new VonageAuthenticator(properties("", pem));

    assertThat(authenticator.isAuthorized("bearer " + jwt("any-app", Instant.now()))).isTrue();
  }

  @Test
  void refusesExpiredJwtsAndJwtsWhenNoPublicKeyIsConfigured() {
    String key = Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
    String expired =
        JWT.create()
            .withClaim("application_id", "app")
            .withExpiresAt(Instant.now().minusSeconds(60))
            .sign(Algorithm.RSA256(null, (RSAPrivateKey) KEYS.getPrivate()));

    assertThat(new VonageAuthenticator(properties("", key)).isAuthorized("Bearer " + expired))
        .isFalse();
    assertThat(
            new VonageAuthenticator(properties("", ""))
                .isAuthorized("Bearer " + jwt("app", Instant.now())))
        .isFalse();
  }

  @Test
  void refusesToStartWithAPublicKeyThatIsNotAnRsaKey() {
    assertThatThrownBy(() -> new VonageAuthenticator(properties("", "bm90IGEga2V5")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sandbox.vonage.application-public-key");
  }

  private static String jwt(String applicationId, Instant issuedAt) {
    return JWT.create()
        .withClaim("application_id", applicationId)
        .withIssuedAt(issuedAt)
        .sign(Algorithm.RSA256(null, (RSAPrivateKey) KEYS.getPrivate()));
  }

  private static VonageSandboxProperties properties(String applicationId, String publicKey) {
    return new VonageSandboxProperties(
        "k", "s", applicationId, publicKey, List.of("999"), 30, 10, new FaultSettings(0, 0, false));
  }
}
