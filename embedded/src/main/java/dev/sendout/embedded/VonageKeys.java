package dev.sendout.embedded;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * What an embedded run shares with its sandbox Vonage, made afresh for each run: a Vonage
 * application (id and RSA key pair; the worker signs its requests' JWTs with the private key, the
 * sandbox checks them with the public one) and the signature secret the sandbox signs status
 * webhooks with and the api verifies them with.
 */
public record VonageKeys(String applicationId, KeyPair application, String signatureSecret) {

  static VonageKeys generate() {
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      return new VonageKeys(
          UUID.randomUUID().toString(), rsa.generateKeyPair(), HexFormat.of().formatHex(secret));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every JDK can make an RSA key pair", e);
    }
  }

  /** The application's private key as PKCS#8 PEM, the form Vonage's dashboard hands out. */
  String privateKeyPem() {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(application.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** Keeps the secret out of logs. */
  @Override
  public String toString() {
    return "VonageKeys[applicationId=" + applicationId + "]";
  }
}
