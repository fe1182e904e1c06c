package dev.sendout.core.unsubscribe;

import dev.sendout.core.config.InvalidSetting;
import dev.sendout.core.config.ProviderMode;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The signer and checker of unsubscribe tokens, shared by the worker (links) and the api (/u). */
@Configuration(proxyBeanMethods = false)
public class UnsubscribeConfiguration {

  public static final String SECRET_VARIABLE = "SENDOUT_UNSUBSCRIBE_SECRET";

  private static final Logger log = LoggerFactory.getLogger(UnsubscribeConfiguration.class);

  @Bean
  UnsubscribeTokens unsubscribeTokens(UnsubscribeProperties properties, Environment environment) {
    String secret = properties.secret();
    if (secret == null || secret.isBlank()) {
      if (ProviderMode.of(environment) == ProviderMode.LIVE) {
        throw InvalidSetting.missing(
            SECRET_VARIABLE,
            "it signs the one-click unsubscribe links; with "
                + ProviderMode.VARIABLE
                + "=live it has no default");
      }
      // Sandbox mode on its own: links verify only in this process (the embedded engine and the
      // compose stack share one secret between the worker and the api instead).
      log.warn(
          "{} is not set: unsubscribe links are signed with a secret made up for this process",
          SECRET_VARIABLE);
      return new UnsubscribeTokens(randomSecret());
    }
    if (secret.strip().length() < UnsubscribeTokens.MIN_SECRET_LENGTH) {
      throw InvalidSetting.invalid(
          SECRET_VARIABLE,
          "it needs at least "
              + UnsubscribeTokens.MIN_SECRET_LENGTH
              + " characters, such as the output of `openssl rand -base64 32`",
          null);
    }
    return new UnsubscribeTokens(secret.strip());
  }

  /** 32 random bytes in base64url: what a deployment should set as its secret. */
  public static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
