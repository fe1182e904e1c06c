package dev.sendout.api;

import dev.sendout.core.TestDatabase;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What a test running the whole api application needs from outside: the test database, and a
 * SendGrid webhook key (any EC key: the application refuses to start without one).
 */
public final class ApiServerEnvironment {

  private ApiServerEnvironment() {}

  /** Call from the test class's {@code @DynamicPropertySource} method. */
  public static void register(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", TestDatabase::url);
    registry.add("sendout.webhooks.sendgrid.public-key", ApiServerEnvironment::anyEcPublicKey);
  }

  private static String anyEcPublicKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return Base64.getEncoder()
          .encodeToString(generator.generateKeyPair().getPublic().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
