package dev.sendout.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxKeysTest {

  @TempDir Path directory;

  @Test
  void writesAKeyPairWhoseSignaturesTheApiKeyVerifies() throws Exception {
    Path file = directory.resolve("keys/sandbox-keys.properties");

    assertThat(SandboxKeys.write(file)).isTrue();

    Properties keys = load(file);
    PrivateKey signing =
        KeyFactory.getInstance("EC")
            .generatePrivate(
                new PKCS8EncodedKeySpec(decode(keys, "SANDBOX_SENDGRID_WEBHOOK_PRIVATE_KEY")));
    PublicKey verifying =
        KeyFactory.getInstance("EC")
            .generatePublic(new X509EncodedKeySpec(decode(keys, "SENDGRID_WEBHOOK_PUBLIC_KEY")));
    byte[] body = "1700000000[{\"event\":\"delivered\"}]".getBytes(StandardCharsets.UTF_8);
    assertThat(verifies(verifying, body, sign(signing, body))).isTrue();
    assertThat(
            verifies(verifying, "tampered".getBytes(StandardCharsets.UTF_8), sign(signing, body)))
        .isFalse();
    // SendGrid signs on P-256, and receivers that follow its docs accept nothing else.
    assertThat(((ECKey) verifying).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    assertThat(keys.getProperty("SANDBOX_SENDGRID_WEBHOOK_PUBLIC_KEY"))
        .isEqualTo(keys.getProperty("SENDGRID_WEBHOOK_PUBLIC_KEY"));
  }

  @Test
  void writesOneVonageSecretForTheSandboxAndTheApiReadableByItsOwnerOnly() throws IOException {
    Path file = directory.resolve("sandbox-keys.properties");

    SandboxKeys.write(file);

    Properties keys = load(file);
    assertThat(keys.getProperty("SANDBOX_VONAGE_SIGNATURE_SECRET")).matches("[0-9a-f]{64}");
    assertThat(keys.getProperty("VONAGE_SIGNATURE_SECRET"))
        .isEqualTo(keys.getProperty("SANDBOX_VONAGE_SIGNATURE_SECRET"));
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void writesOneUnsubscribeSecretForTheWorkerAndTheApiApartFromTheVonageOne() throws IOException {
    Path file = directory.resolve("sandbox-keys.properties");

    SandboxKeys.write(file);

    Properties keys = load(file);
    assertThat(keys.getProperty("SENDOUT_UNSUBSCRIBE_SECRET"))
        .matches("[0-9a-f]{64}")
        .isEqualTo(keys.getProperty("SANDBOX_UNSUBSCRIBE_SECRET"))
        .isNotEqualTo(keys.getProperty("VONAGE_SIGNATURE_SECRET"));
  }

  @Test
  void aSecondRunKeepsTheFirstFileAndLeavesNothingElseBehind() throws IOException {
    Path file = directory.resolve("sandbox-keys.properties");
    SandboxKeys.write(file);
    String first = Files.readString(file);

    assertThat(SandboxKeys.write(file)).isFalse();

    assertThat(Files.readString(file)).isEqualTo(first);
    try (var entries = Files.list(directory)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void everyRunOfAFreshStackMakesNewKeys() throws IOException {
    Path one = directory.resolve("one.properties");
    Path other = directory.resolve("other.properties");

    SandboxKeys.write(one);
    SandboxKeys.write(other);

    assertThat(load(one).getProperty("SENDGRID_WEBHOOK_PUBLIC_KEY"))
        .isNotEqualTo(load(other).getProperty("SENDGRID_WEBHOOK_PUBLIC_KEY"));
    assertThat(load(one).getProperty("VONAGE_SIGNATURE_SECRET"))
        .isNotEqualTo(load(other).getProperty("VONAGE_SIGNATURE_SECRET"));
  }

  private static Properties load(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      properties.load(reader);
    }
    assertThat(properties)
        .containsOnlyKeys(
            SandboxKeys.SANDBOX_SENDGRID_PRIVATE_KEY,
            SandboxKeys.SANDBOX_SENDGRID_PUBLIC_KEY,
            SandboxKeys.API_SENDGRID_PUBLIC_KEY,
            SandboxKeys.SANDBOX_VONAGE_SECRET,
            SandboxKeys.API_VONAGE_SECRET,
            SandboxKeys.SANDBOX_UNSUBSCRIBE_SECRET,
            SandboxKeys.APPS_UNSUBSCRIBE_SECRET);
    return properties;
  }

  private static byte[] decode(Properties keys, String name) {
    return Base64.getDecoder().decode(keys.getProperty(name));
  }

  private static byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
    Signature signature = Signature.getInstance("SHA256withECDSA");
    signature.initSign(key);
    signature.update(data);
    return signature.sign();
  }

  private static boolean verifies(PublicKey key, byte[] data, byte[] signed)
      throws GeneralSecurityException {
    Signature signature = Signature.getInstance("SHA256withECDSA");
    signature.initVerify(key);
    signature.update(data);
    return signature.verify(signed);
  }
}
