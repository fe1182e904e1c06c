package dev.sendout.sandbox.vonage;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * Checks the two ways the Messages API accepts a caller: a Bearer JWT signed RS256 with the
 * application's private key, or HTTP Basic with the account's API key and secret.
 */
@Component
public class VonageAuthenticator {

  private static final String APPLICATION_ID_CLAIM = "application_id";

  private static final String BEARER = "Bearer ";
  private static final String BASIC = "Basic ";
  private static final String PUBLIC_KEY = "sandbox.vonage.application-public-key";

  private final JWTVerifier jwtVerifier;
  private final String applicationId;
  private final byte[] basicCredentials;

  public VonageAuthenticator(VonageSandboxProperties properties) {
    String publicKey = properties.applicationPublicKey();
    this.jwtVerifier =
        publicKey.isEmpty() ? null : JWT.require(Algorithm.RSA256(rsaKey(publicKey), null)).build();
    this.applicationId = properties.applicationId();
    this.basicCredentials =
        (properties.apiKey() + ":" + properties.apiSecret()).getBytes(StandardCharsets.UTF_8);
  }

  public boolean isAuthorized(String authorization) {
    if (authorization == null) {
      return false;
    }
    if (hasScheme(authorization, BEARER)) {
      return isValidJwt(authorization.substring(BEARER.length()).trim());
    }
    if (hasScheme(authorization, BASIC)) {
      return isValidBasic(authorization.substring(BASIC.length()).trim());
    }
    return false;
  }

  /** Auth schemes are case-insensitive (RFC 9110), although the SDK always capitalises them. */
  private static boolean hasScheme(String authorization, String scheme) {
    return authorization.regionMatches(true, 0, scheme, 0, scheme.length());
  }

  /**
   * Verifies signature, algorithm and any time claims; the SDK sets {@code iat} but no {@code exp}.
   */
  private boolean isValidJwt(String token) {
    if (jwtVerifier == null) {
      return false;
    }
    try {
      DecodedJWT jwt = jwtVerifier.verify(token);
      return applicationId.isEmpty()
          || applicationId.equals(jwt.getClaim(APPLICATION_ID_CLAIM).asString());
    } catch (JWTVerificationException e) {
      return false;
    }
  }

  private boolean isValidBasic(String encoded) {
    byte[] presented;
    try {
      presented = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      return false;
    }
    // A constant-time comparison costs nothing here and keeps the fake honest as a model.
    return MessageDigest.isEqual(presented, basicCredentials);
  }

  /** Reads base64 X.509 DER, tolerating the PEM armour the Vonage dashboard shows keys in. */
  private static RSAPublicKey rsaKey(String configured) {
    String base64 = configured.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA")
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
      throw new IllegalStateException(
          PUBLIC_KEY + " is not a base64 X.509 SubjectPublicKeyInfo DER RSA public key.", e);
    }
  }
}
