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

  VonageStats snapshot(RateLimiter rateLimiter, StatusStats statuses) {
    return new VonageStats(
        requests.sum(),
        accepted.sum(),
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
    List.of(requests, accepted, throttled, invalid, unauthorized, serverErrors)
        .forEach(LongAdder::reset);
    firstRequestAt.set(null);
    lastRequestAt.set(null);
  }
}
