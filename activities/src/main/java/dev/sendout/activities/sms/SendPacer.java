package dev.sendout.activities.sms;

import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Spaces this worker's Vonage requests evenly, a tenth under Vonage's limit.
 *
 * <p>The SMS task queue's rate limits decide how fast activities are handed out, but they hand them
 * out in bursts, and the database work before each request spreads a burst unevenly: measured here,
 * 30 activities a second still put up to 58 requests into one sliding second, and Vonage answered
 * 429. Spacing the requests themselves keeps every sliding second under the limit; the one-request
 * margin absorbs the jitter between our clock and the provider's.
 */
@Component
public class SendPacer {

  /** The share of Vonage's limit this worker uses. */
  static final double HEADROOM = 0.9;

  private final long intervalNanos;
  private long nextSlot = System.nanoTime();

  public SendPacer(VonageProperties properties) {
    this.intervalNanos =
        (long) (TimeUnit.SECONDS.toNanos(1) / (properties.requestsPerSecond() * HEADROOM));
  }

  /** Waits for this worker's next free slot. */
  public void awaitTurn() throws InterruptedException {
    long slot;
    synchronized (this) {
      slot = Math.max(System.nanoTime(), nextSlot);
      nextSlot = slot + intervalNanos;
    }
    long wait = slot - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
