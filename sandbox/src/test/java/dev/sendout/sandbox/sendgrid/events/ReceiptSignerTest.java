package dev.sendout.sandbox.sendgrid.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ReceiptSignerTest {

  @Test
  void signsTimestampThenBodyWithTheConfiguredKeyPair() throws Exception {
    KeyPair pair = pair("secp256r1");
    ReceiptSigner signer = new ReceiptSigner(properties(privateKey(pair), publicKey(pair)));
    byte[] body = "[{\"event\":\"processed\"}]".getBytes(StandardCharsets.UTF_8);

    String signature = signer.sign("1700000000", body);

    assertThat(signer.publicKey()).isEqualTo(publicKey(pair));
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(pair.getPublic());
    verifier.update("1700000000".getBytes(StandardCharsets.UTF_8));
    verifier.update(body);
    assertThat(verifier.verify(Base64.getDecoder().decode(signature))).isTrue();
  }

  @Test
  void refusesAPrivateKeyWithoutItsPublicKeyWithoutQuotingIt() throws Exception {
    String privateKey = privateKey(pair("secp256r1"));

    assertThatThrownBy(() -> new ReceiptSigner(properties(privateKey, "")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must be set together")
        .hasMessageContaining("only sandbox.sendgrid.receipts.private-key is set")
        .message()
        .doesNotContain(privateKey.substring(0, 40));
  }

  @Test
  void refusesKeysThatDoNotBelongTogether() throws Exception {
    String privateKey = privateKey(pair("secp256r1"));
    String otherPublicKey = publicKey(pair("secp256r1"));

    assertThatThrownBy(() -> new ReceiptSigner(properties(privateKey, otherPublicKey)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("do not belong to the same key pair");
  }

  @Test
  void refusesKeysOnAnotherCurve() throws Exception {
    KeyPair p384 = pair("secp384r1");

    assertThatThrownBy(() -> new ReceiptSigner(properties(privateKey(p384), publicKey(p384))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("P-256");
  }

  @Test
  void refusesAPublicKeyThatIsNotBase64() throws Exception {
    String privateKey = privateKey(pair("secp256r1"));

    assertThatThrownBy(() -> new ReceiptSigner(properties(privateKey, "not base64!")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("public-key is not a base64 X.509");
  }

  private static ReceiptStartupProperties properties(String privateKey, String publicKey) {
    return new ReceiptStartupProperties(privateKey, publicKey, null);
  }

  private static KeyPair pair(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  private static String privateKey(KeyPair pair) {
    return Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
  }

  private static String publicKey(KeyPair pair) {
    return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
  }
}
