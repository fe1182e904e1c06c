package dev.sendout.api.receipt;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Verification of Vonage's signed status webhooks, bound from {@code sendout.webhooks.vonage.*}.
 *
 * @param signatureSecret the account's signature secret (Vonage dashboard, API settings), which
 *     signs the webhook's HS256 bearer token. Required: without it no SMS status can be trusted, so
 *     the API refuses to start.
 * @param maxAge how far the token's {@code iat} may be from our clock, either way; an older request
 *     is refused as a replay
 */
@ConfigurationProperties("sendout.webhooks.vonage")
public record VonageWebhookProperties(String signatureSecret, @DefaultValue("5m") Duration maxAge) {

  /** Checked as the api starts ({@link WebhookMaxAge}). */
  public VonageWebhookProperties {
    WebhookMaxAge.check("VONAGE_WEBHOOK_MAX_AGE", maxAge);
  }

  /** Keeps the secret out of logs and error messages. */
  @Override
  public String toString() {
    return "VonageWebhookProperties[maxAge=" + maxAge + "]";
  }
}
