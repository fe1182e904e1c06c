package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.webhook.WebhookDelivery;
import dev.sendout.sandbox.webhook.WebhookLedger;
import dev.sendout.sandbox.webhook.WebhookPoster;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

/**
 * Posts signed event batches through the shared poster, which retries failures with exponential
 * backoff the way SendGrid does and gives up after the configured number of attempts.
 */
@Component
class ReceiptPoster {

  private final EventBatchWriter writer;
  private final WebhookPoster poster;

  ReceiptPoster(ReceiptSettingsHolder settings, ReceiptSigner signer, EventBatchWriter writer) {
    this.writer = writer;
    this.poster = new WebhookPoster("Event webhook", "receipt-poster-", settings::current, signer);
  }

  @PreDestroy
  void stop() {
    poster.stop();
  }

  void post(EventBatch batch) {
    // The body is written on the pool rather than the dispatcher thread, so several batches can
    // be serialized at once; retries reuse it and only sign it again.
    poster.post(
        () -> new Delivery(batch.ledger(), batch.events().size(), writer.write(batch.events())));
  }

  /**
   * A batch written once and posted as often as it takes.
   *
   * @param ledger the run it belongs to
   * @param items how many events the body holds
   * @param body the exact bytes that are signed and posted
   */
  private record Delivery(WebhookLedger ledger, int items, byte[] body) implements WebhookDelivery {

    @Override
    public String describe() {
      return items + " events";
    }
  }
}
