package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.webhook.WebhookClient;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Posts signed batches to the webhook URL on a small pool, retrying failures with exponential
 * backoff the way SendGrid does, and giving up after the configured number of attempts.
 */
@Component
class WebhookPoster {

  static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
  static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";

  private static final Logger log = LoggerFactory.getLogger(WebhookPoster.class);

  private final ReceiptSettingsHolder settings;
  private final WebhookSigner signer;
  private final EventBatchWriter writer;
  private final ScheduledThreadPoolExecutor pool;
  private final WebhookClient http = new WebhookClient();

  WebhookPoster(ReceiptSettingsHolder settings, WebhookSigner signer, EventBatchWriter writer) {
    this.settings = settings;
    this.signer = signer;
    this.writer = writer;
    this.pool = WebhookClient.pool("receipt-poster-");
  }

  @PreDestroy
  void stop() {
    pool.shutdownNow();
  }

  void post(EventBatch batch) {
    try {
      // The body is written on the pool rather than the dispatcher thread, so several batches can
      // be serialized at once; retries reuse it and only sign it again.
      pool.execute(
          () ->
              attempt(
                  new Delivery(batch.ledger(), batch.events().size(), writer.write(batch.events())),
                  1));
    } catch (RejectedExecutionException e) {
      // Only happens while shutting down, when undelivered events are abandoned anyway.
    }
  }

  private void attempt(Delivery delivery, int attempt) {
    if (delivery.ledger().isRetired()) {
      return;
    }
    ReceiptSettings current = settings.current();
    if (!current.enabled()) {
      delivery.ledger().countDropped(delivery.events());
      return;
    }
    Optional<String> failure;
    try {
      failure = send(current.webhookUrl(), delivery.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (failure.isEmpty()) {
      delivery.ledger().countPosted(delivery.events());
      return;
    }
    delivery.ledger().countPostFailure();
    // Event contents and the URL stay out of the log: they hold addresses and possibly a token.
    if (attempt >= current.maxAttempts()) {
      log.warn(
          "Event webhook POST failed ({}), attempt {} of {}; dropping {} events",
          failure.get(),
          attempt,
          current.maxAttempts(),
          delivery.events());
      delivery.ledger().countDropped(delivery.events());
      return;
    }
    long backoffMs = WebhookClient.backoffMs(current.retryInitialBackoffMs(), attempt);
    log.warn(
        "Event webhook POST failed ({}), attempt {} of {}; retrying {} events in {} ms",
        failure.get(),
        attempt,
        current.maxAttempts(),
        delivery.events(),
        backoffMs);
    delivery.ledger().countRetry();
    try {
      pool.schedule(() -> attempt(delivery, attempt + 1), backoffMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Shutting down: the retry is abandoned along with everything else still pending.
    }
  }

  /** Posts once, signed afresh with the current time, and describes the failure if there is one. */
  private Optional<String> send(String url, byte[] body) throws InterruptedException {
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    return http.post(
        url,
        body,
        Map.of(TIMESTAMP_HEADER, timestamp, SIGNATURE_HEADER, signer.sign(timestamp, body)));
  }

  /**
   * A batch written once and posted as often as it takes.
   *
   * @param ledger the run it belongs to
   * @param events how many events the body holds
   * @param body the exact bytes that are signed and posted
   */
  private record Delivery(ReceiptLedger ledger, int events, byte[] body) {}
}
