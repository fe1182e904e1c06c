package dev.sendout.sandbox.webhook;

/** What the shared poster needs to know of a provider's webhook settings in force. */
public interface WebhookSettings {

  /** Where webhooks are posted; empty switches them off. */
  String webhookUrl();

  /** POST attempts per delivery before its items are dropped. */
  int maxAttempts();

  /** The wait before the first retry; each later wait doubles, up to 30 s. */
  long retryInitialBackoffMs();

  default boolean enabled() {
    return !webhookUrl().isEmpty();
  }
}
