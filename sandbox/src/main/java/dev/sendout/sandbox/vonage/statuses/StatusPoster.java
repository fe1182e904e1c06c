package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.vonage.SmsStore;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
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

  /** A few posters keep a fast receiver busy without letting a slow one pile up connections. */
  private static final int THREADS = 3;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final StatusSettingsHolder settings;
  private final StatusSigner signer;
  private final SmsStore store;
  private final ScheduledThreadPoolExecutor pool;
  private final HttpClient http;

  StatusPoster(StatusSettingsHolder settings, StatusSigner signer, SmsStore store) {
    this.settings = settings;
    this.signer = signer;
    this.store = store;
    CustomizableThreadFactory threads = new CustomizableThreadFactory("vonage-status-poster-");
    threads.setDaemon(true);
    this.pool = new ScheduledThreadPoolExecutor(THREADS, threads);
    // HTTP/1.1, without the h2c upgrade attempt that some receivers mishandle.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
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
      failure = send(current.webhookUrl(), post.body());
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
    long backoffMs = backoffMs(current.retryInitialBackoffMs(), attempt);
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

  /** Posts once and describes the failure, if there is one. */
  private Optional<String> send(String url, byte[] body) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + signer.sign(body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status >= 200 && status < 300 ? Optional.empty() : Optional.of("status " + status);
    } catch (IOException e) {
      return Optional.of(e.getClass().getSimpleName());
    }
  }

  /** 1 s, 2 s, 4 s and so on from the initial backoff, never more than 30 s. */
  static long backoffMs(long initialMs, int attempt) {
    long doubled = initialMs << Math.min(attempt - 1, 20);
    return Math.min(doubled, StatusSettings.MAX_BACKOFF_MS);
  }
}
