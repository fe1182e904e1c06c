package dev.sendout.sandbox.vonage;

import java.util.ArrayDeque;
import org.springframework.stereotype.Component;

/**
 * Vonage's per-account limit on {@code POST /v1/messages} ("30 API requests per second"), and the
 * measure of how close callers came to it.
 *
 * <p>The limit counts requests per second of the clock: in any one second, the requests after the
 * first N are answered 429 (throttled ones do not count). That is how such a limit is stated and
 * commonly counted. It is also what can be held to on a shared machine: the sandbox runs on the
 * same two cores as the engine, and its own scheduling delays bunch requests by tens of
 * milliseconds by the time it counts them, which a sliding window would turn into 429s for a sender
 * that paces evenly below the limit.
 *
 * <p>Two peaks are kept, counting every request, throttled or not: per second of the clock (the
 * measure the limit applies) and within any sliding 1,000 ms, which is stricter and shows a bursty
 * sender: one that sends N at the end of a second and N at the start of the next passes the limit
 * but peaks at 2N there. The arrival log holds only the last second's requests, so memory stays
 * bounded. One lock guards all; the work under it is a few deque operations.
 */
@Component
public class RateLimiter {

  private static final long WINDOW_MILLIS = 1_000L;

  private final int limit;
  private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
  private long second = Long.MIN_VALUE;
  private int requestsThisSecond;
  private int admittedThisSecond;
  private int peakPerSecond;
  private int peakSliding;

  public RateLimiter(VonageSandboxProperties properties) {
    this.limit = properties.rateLimitPerSecond();
  }

  /** Records a request arriving now and says whether it is within the limit. */
  public boolean admit() {
    return admit(System.currentTimeMillis());
  }

  synchronized boolean admit(long nowMillis) {
    while (!arrivals.isEmpty() && nowMillis - arrivals.peekFirst() >= WINDOW_MILLIS) {
      arrivals.pollFirst();
    }
    arrivals.addLast(nowMillis);
    peakSliding = Math.max(peakSliding, arrivals.size());
    if (nowMillis / WINDOW_MILLIS != second) {
      second = nowMillis / WINDOW_MILLIS;
      requestsThisSecond = 0;
      admittedThisSecond = 0;
    }
    peakPerSecond = Math.max(peakPerSecond, ++requestsThisSecond);
    if (limit == 0 || admittedThisSecond < limit) {
      admittedThisSecond++;
      return true;
    }
    return false;
  }

  /** The most requests, throttled ones included, that arrived within one second of the clock. */
  public synchronized int peakRequestsPerSecond() {
    return peakPerSecond;
  }

  /** The most requests, throttled ones included, that arrived within any sliding 1,000 ms. */
  public synchronized int peakRequestsInAnySlidingSecond() {
    return peakSliding;
  }

  /** Forgets the past second and the peaks, so a test run starts with the full allowance. */
  public synchronized void reset() {
    arrivals.clear();
    second = Long.MIN_VALUE;
    requestsThisSecond = 0;
    admittedThisSecond = 0;
    peakPerSecond = 0;
    peakSliding = 0;
  }
}
