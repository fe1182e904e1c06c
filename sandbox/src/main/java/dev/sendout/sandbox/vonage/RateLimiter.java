package dev.sendout.sandbox.vonage;

import java.util.ArrayDeque;
import org.springframework.stereotype.Component;

/**
 * Vonage's per-account limit on {@code POST /v1/messages}, and the measure of how close callers
 * came to it.
 *
 * <p>Both work on exact sliding windows of one second rather than on buckets or tokens, because the
 * acceptance tests assert "never more than N requests in any one second": a request is admitted
 * when fewer than N admitted requests arrived within the trailing 1,000 ms, and the peak counts
 * every request, throttled or not. The admitted log never holds more than N entries and the arrival
 * log only the last second's requests, so memory stays bounded. One lock guards both; the work
 * under it is a few deque operations, far cheaper than the HTTP exchange around it.
 */
@Component
public class RateLimiter {

  private static final long WINDOW_NANOS = 1_000_000_000L;

  private final int limit;
  private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
  private final ArrayDeque<Long> admitted = new ArrayDeque<>();
  private int peak;

  public RateLimiter(VonageSandboxProperties properties) {
    this.limit = properties.rateLimitPerSecond();
  }

  /** Records a request arriving now and says whether it is within the limit. */
  public boolean admit() {
    return admit(System.nanoTime());
  }

  synchronized boolean admit(long nowNanos) {
    evictExpired(arrivals, nowNanos);
    arrivals.addLast(nowNanos);
    peak = Math.max(peak, arrivals.size());
    if (limit == 0) {
      return true;
    }
    evictExpired(admitted, nowNanos);
    if (admitted.size() >= limit) {
      // A throttled request does not enter the admitted log, so it never delays the next one.
      return false;
    }
    admitted.addLast(nowNanos);
    return true;
  }

  /** The most requests, throttled ones included, that arrived within any one second. */
  public synchronized int peakRequestsInOneSecond() {
    return peak;
  }

  /** Forgets the past second and the peak, so a test run starts with the full allowance. */
  public synchronized void reset() {
    arrivals.clear();
    admitted.clear();
    peak = 0;
  }

  /** Drops the entries that are 1,000 ms old or older: the window is (now - 1 s, now]. */
  private static void evictExpired(ArrayDeque<Long> log, long nowNanos) {
    while (!log.isEmpty() && nowNanos - log.peekFirst() >= WINDOW_NANOS) {
      log.pollFirst();
    }
  }
}
