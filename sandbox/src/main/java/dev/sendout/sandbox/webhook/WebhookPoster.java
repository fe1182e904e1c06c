package dev.sendout.sandbox.webhook;

import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts signed deliveries on a small pool, retrying failures with exponential backoff the way the
 * providers do, and giving up after the configured number of attempts. Each provider owns one and
 * supplies only its settings, its signature and its deliveries.
 */
public final class WebhookPoster {

  private static final Logger log = LoggerFactory.getLogger(WebhookPoster.class);

  private final String label;
  private final Supplier<? extends WebhookSettings> settings;
  private final WebhookSigner signer;
  private final ScheduledThreadPoolExecutor pool;
  private final WebhookClient http = new WebhookClient();

  /**
   * @param label how log lines name these webhooks, such as "Event webhook"
   * @param threadNamePrefix the prefix of the pool's thread names
   * @param settings the settings in force, read afresh for every attempt
   * @param signer signs each attempt
   */
  public WebhookPoster(
      String label,
      String threadNamePrefix,
      Supplier<? extends WebhookSettings> settings,
      WebhookSigner signer) {
    this.label = label;
    this.settings = settings;
    this.signer = signer;
    this.pool = WebhookClient.pool(threadNamePrefix);
  }

  public void stop() {
    pool.shutdownNow();
  }

  /**
   * Prepares a delivery on the pool and makes its first attempt at once. Preparing there rather
   * than on the caller's thread lets several bodies be written at the same time.
   */
  public void post(Supplier<? extends WebhookDelivery> delivery) {
    try {
      pool.execute(() -> attempt(delivery.get(), 1));
    } catch (RejectedExecutionException e) {
      // Only happens while shutting down, when undelivered items are abandoned anyway.
    }
  }

  /** Makes the first attempt of a delivery after this delay. */
  public void schedule(WebhookDelivery delivery, long delayNanos) {
    schedule(delivery, 1, delayNanos);
  }

  private void schedule(WebhookDelivery delivery, int attempt, long delayNanos) {
    try {
      pool.schedule(() -> attempt(delivery, attempt), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Only happens while shutting down, when undelivered items are abandoned anyway.
    }
  }

  private void attempt(WebhookDelivery delivery, int attempt) {
    WebhookLedger ledger = delivery.ledger();
    if (ledger.isRetired()) {
      return;
    }
    WebhookSettings current = settings.get();
    if (!current.enabled()) {
      ledger.countDropped(delivery.itemsLeft());
      return;
    }
    Optional<String> failure;
    try {
      failure = http.post(current.webhookUrl(), delivery.body(), signer.headers(delivery.body()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (failure.isEmpty()) {
      ledger.countPosted(delivery.items());
      delivery.posted();
      return;
    }
    ledger.countPostFailure();
    // Bodies and the URL stay out of the log: they hold addresses and possibly a token.
    if (attempt >= current.maxAttempts()) {
      log.warn(
          "{} POST failed ({}), attempt {} of {}; dropping {}",
          label,
          failure.get(),
          attempt,
          current.maxAttempts(),
          delivery.describe());
      ledger.countDropped(delivery.items());
      delivery.gaveUp();
      return;
    }
    long backoffMs = WebhookClient.backoffMs(current.retryInitialBackoffMs(), attempt);
    log.warn(
        "{} POST failed ({}), attempt {} of {}; retrying {} in {} ms",
        label,
        failure.get(),
        attempt,
        current.maxAttempts(),
        delivery.describe(),
        backoffMs);
    ledger.countRetry();
    schedule(delivery, attempt + 1, TimeUnit.MILLISECONDS.toNanos(backoffMs));
  }
}
