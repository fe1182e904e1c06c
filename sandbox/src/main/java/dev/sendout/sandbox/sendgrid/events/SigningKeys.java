package dev.sendout.sandbox.sendgrid.events;

import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Loads or generates the EC P-256 key pair that signs event batches, the curve SendGrid uses for
 * its Signed Event Webhook. Error messages name the setting but never quote the key.
 */
public final class SigningKeys {

  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private static final String CURVE = "secp256r1";
  private static final String PRIVATE_KEY = "sandbox.sendgrid.receipts.private-key";
  private static final String PUBLIC_KEY = "sandbox.sendgrid.receipts.public-key";

  private SigningKeys() {}

  /** Returns the configured pair, or a fresh one when neither key is configured. */
  static KeyPair load(String privateKey, String publicKey) {
    boolean hasPrivate = !privateKey.isBlank();
    boolean hasPublic = !publicKey.isBlank();
    if (!hasPrivate && !hasPublic) {
      return generate();
    }
    if (hasPrivate != hasPublic) {
      throw new IllegalStateException(
          PRIVATE_KEY
              + " and "
              + PUBLIC_KEY
              + " must be set together, or both left empty to generate a key pair at start; only "
              + (hasPrivate ? PRIVATE_KEY : PUBLIC_KEY)
              + " is set. The sandbox cannot derive the public key from the private one.");
    }
    KeyPair pair = new KeyPair(decodePublic(publicKey), decodePrivate(privateKey));
    requireP256(pair);
    requireMatching(pair);
    return pair;
  }

  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(CURVE));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JDK cannot generate an EC P-256 key pair.", e);
    }
  }

  private static PrivateKey decodePrivate(String base64) {
    try {
      return KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalStateException(
          PRIVATE_KEY + " is not a base64 PKCS#8 DER EC private key.", e);
    }
  }

  private static PublicKey decodePublic(String base64) {
    try {
      return KeyFactory.getInstance("EC")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalStateException(
          PUBLIC_KEY + " is not a base64 X.509 SubjectPublicKeyInfo DER EC public key.", e);
    }
  }

  /** Rejects other curves, because receivers following SendGrid's docs only accept P-256. */
  private static void requireP256(KeyPair pair) {
    ECParameterSpec p256 = p256();
    for (Object key : new Object[] {pair.getPublic(), pair.getPrivate()}) {
      ECParameterSpec params = ((ECKey) key).getParams();
      if (!params.getOrder().equals(p256.getOrder())
          || !params.getGenerator().equals(p256.getGenerator())) {
        throw new IllegalStateException(
            PRIVATE_KEY + " and " + PUBLIC_KEY + " must be keys on the P-256 (secp256r1) curve.");
      }
    }
  }

  /** Signs a probe and verifies it, so a mismatched pair fails at start and not at the receiver. */
  private static void requireMatching(KeyPair pair) {
    byte[] probe = "sandbox key check".getBytes(StandardCharsets.UTF_8);
    try {
      Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
      signer.initSign(pair.getPrivate());
      signer.update(probe);
      Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
      verifier.initVerify(pair.getPublic());
      verifier.update(probe);
      if (verifier.verify(signer.sign())) {
        return;
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Checking the configured key pair failed.", e);
    }
    throw new IllegalStateException(
        PRIVATE_KEY + " and " + PUBLIC_KEY + " do not belong to the same key pair.");
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(CURVE));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JDK does not know the P-256 curve.", e);
    }
  }
}
