package dev.sendout.api.receipt;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Verification of SendGrid's Signed Event Webhook, bound from {@code sendout.webhooks.sendgrid.*}.
 *
 * @param publicKey the verification key from SendGrid's Signed Event Webhook settings: base64 of
 *     the X.509 SubjectPublicKeyInfo of an ECDSA P-256 key. Required: without it no receipt can be
 *     trusted, so the API refuses to start.
 * @param maxAge how far the signed timestamp may be from our clock, either way; an older request is
 *     refused as a replay
 */
@ConfigurationProperties("sendout.webhooks.sendgrid")
public record SendGridWebhookProperties(String publicKey, @DefaultValue("5m") Duration maxAge) {

  /** Checked as the api starts ({@link WebhookMaxAge}). */
  public SendGridWebhookProperties {
    WebhookMaxAge.check("SENDGRID_WEBHOOK_MAX_AGE", maxAge);
  }
}
