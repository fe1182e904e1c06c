package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.vonage.SmsStore;
import dev.sendout.sandbox.webhook.WebhookClient;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Posts the statuses of each plan one after another on a small pool, each signed afresh, retrying
 * failures with exponential backoff and giving up on a status after the configured attempts.
 *
 * <p>A plan's next POST is scheduled only once the one before it has finished, so the receiver
 * always gets {@code submitted} before the final status and every duplicate in turn, even with no
 * delay between them or when retries hold one up. Different messages proceed independently.
 */
@Component
class StatusPoster {

  private static final Logger log = LoggerFactory.getLogger(StatusPoster.class);

  private final StatusSettingsHolder settings;
  private final StatusSigner signer;
  private final SmsStore store;
  private final ScheduledThreadPoolExecutor pool;
  private final WebhookClient http = new WebhookClient();

  StatusPoster(StatusSettingsHolder settings, StatusSigner signer, SmsStore store) {
    this.settings = settings;
    this.signer = signer;
    this.store = store;
    this.pool = WebhookClient.pool("vonage-status-poster-");
  }

  @PreDestroy
  void stop() {
    pool.shutdownNow();
  }

  void start(StatusPlan plan) {
    next(plan, 0);
  }

  private void next(StatusPlan plan, int index) {
    if (index < plan.posts().size()) {
      long delayNanos = plan.posts().get(index).dueNanos() - System.nanoTime();
      schedule(plan, index, 1, delayNanos);
    }
  }

  private void schedule(StatusPlan plan, int index, int attempt, long delayNanos) {
    try {
      pool.schedule(() -> attempt(plan, index, attempt), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Only happens while shutting down, when unsent statuses are abandoned anyway.
    }
  }

  private void attempt(StatusPlan plan, int index, int attempt) {
    StatusLedger ledger = plan.ledger();
    if (ledger.isRetired()) {
      return;
    }
    StatusSettings current = settings.current();
    if (!current.enabled()) {
      ledger.countDropped(plan.posts().size() - index);
      return;
    }
    StatusPlan.Post post = plan.posts().get(index);
    Optional<String> failure;
    try {
      failure =
          http.post(
              current.webhookUrl(),
              post.body(),
              Map.of("Authorization", "Bearer " + signer.sign(post.body())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (failure.isEmpty()) {
      ledger.countPosted();
      store.recordPosted(plan.messageUuid(), post.type().wireName());
      next(plan, index + 1);
      return;
    }
    ledger.countPostFailure();
    // The URL stays out of the log: it may hold a token.
    if (attempt >= current.maxAttempts()) {
      log.warn(
          "Status webhook POST failed ({}), attempt {} of {}; dropping {} of message {}",
          failure.get(),
          attempt,
          current.maxAttempts(),
          post.type().wireName(),
          plan.messageUuid());
      ledger.countDropped(1);
      next(plan, index + 1);
      return;
    }
    long backoffMs = WebhookClient.backoffMs(current.retryInitialBackoffMs(), attempt);
    log.warn(
        "Status webhook POST failed ({}), attempt {} of {}; retrying {} of message {} in {} ms",
        failure.get(),
        attempt,
        current.maxAttempts(),
        post.type().wireName(),
        plan.messageUuid(),
        backoffMs);
    schedule(plan, index, attempt + 1, TimeUnit.MILLISECONDS.toNanos(backoffMs));
  }
}
