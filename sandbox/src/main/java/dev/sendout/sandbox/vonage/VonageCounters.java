package dev.sendout.sandbox.vonage;

import dev.sendout.sandbox.vonage.statuses.StatusStats;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.stereotype.Component;

/**
 * The running counters behind {@link VonageStats}. LongAdders, because every request bumps several
 * and contended atomics would serialise concurrent senders.
 */
@Component
public class VonageCounters {

  private final LongAdder requests = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder distinctMessages = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder untracked = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder invalid = new LongAdder();
  private final LongAdder unauthorized = new LongAdder();
  private final LongAdder serverErrors = new LongAdder();
  private final AtomicReference<Instant> firstRequestAt = new AtomicReference<>();
  private final AtomicReference<Instant> lastRequestAt = new AtomicReference<>();

  void countArrival(Instant now) {
    requests.increment();
    firstRequestAt.compareAndSet(null, now);
    // Concurrent arrivals may finish out of order; the latest instant wins.
    lastRequestAt.accumulateAndGet(
        now, (last, next) -> last == null || next.isAfter(last) ? next : last);
  }

  void countAnswer(int status) {
    switch (status) {
      case 202 -> accepted.increment();
      case 429 -> throttled.increment();
      case 400, 422 -> invalid.increment();
      case 401 -> unauthorized.increment();
      default -> {
        if (status >= 500) {
          serverErrors.increment();
        }
      }
    }
  }

  /**
   * An accepted message: the first of its {@code client_ref}, its second, or a later one; 0 when it
   * was past the records' cap, which counts it distinct and untracked.
   */
  void countMessage(int sendsOfItsClientRef) {
    if (sendsOfItsClientRef == 0) {
      untracked.increment();
      distinctMessages.increment();
    } else if (sendsOfItsClientRef == 1) {
      distinctMessages.increment();
    } else if (sendsOfItsClientRef == 2) {
      duplicates.increment();
    }
  }

  VonageStats snapshot(RateLimiter rateLimiter, StatusStats statuses) {
    return new VonageStats(
        requests.sum(),
        accepted.sum(),
        distinctMessages.sum(),
        duplicates.sum(),
        untracked.sum(),
        throttled.sum(),
        invalid.sum(),
        unauthorized.sum(),
        serverErrors.sum(),
        rateLimiter.peakRequestsPerSecond(),
        rateLimiter.peakRequestsInAnySlidingSecond(),
        firstRequestAt.get(),
        lastRequestAt.get(),
        statuses.statusesPosted(),
        statuses.statusPostFailures(),
        statuses.statusesPending(),
        statuses.statusesDropped());
  }

  void reset() {
    List.of(
            requests,
            accepted,
            distinctMessages,
            duplicates,
            untracked,
            throttled,
            invalid,
            unauthorized,
            serverErrors)
        .forEach(LongAdder::reset);
    firstRequestAt.set(null);
    lastRequestAt.set(null);
  }
}
