package dev.sendout.sandbox.vonage.statuses;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The status webhook setting read once at start and never shown: the secret. It shares the {@code
 * sandbox.vonage.statuses} prefix with {@link StatusSettings}, each binding only the keys it
 * declares.
 *
 * @param signatureSecret the account's signature secret that signs the webhooks' HS256 JWTs;
 *     required whenever a webhook URL is set
 */
@ConfigurationProperties("sandbox.vonage.statuses")
public record StatusStartupProperties(@DefaultValue("") String signatureSecret) {

  public StatusStartupProperties {
    signatureSecret = signatureSecret == null ? "" : signatureSecret.trim();
  }

  boolean hasSignatureSecret() {
    return !signatureSecret.isEmpty();
  }

  /** Leaves the secret out, since Spring may print bound properties when start-up fails. */
  @Override
  public String toString() {
    return "StatusStartupProperties[signatureSecret="
        + (hasSignatureSecret() ? "(hidden)" : "")
        + "]";
  }
}
