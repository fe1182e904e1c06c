package dev.sendout.activities.sms;

import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Spaces this worker's Vonage requests evenly, just under Vonage's limit.
 *
 * <p>The SMS task queue's rate limits decide how fast activities are handed out, but they hand them
 * out in bursts, and the database work before each request spreads a burst unevenly: measured here,
 * 30 activities a second still put up to 58 requests into one sliding second, and Vonage answered
 * 429. So each request waits for its slot, right before it is sent. Slots are {@code 1 / (0.92 ×
 * limit)} apart. The margin absorbs the scheduling jitter between this wait and the provider's
 * count, which on a busy two-core machine moved requests by up to 100 ms: at 92%, 300 requests
 * peaked at 28 or 29 in a second of the clock and took 10.8 to 11 s (at 90%, up to 11.6 s; at 93%,
 * peaks of 30). A request that comes late may use one slot it missed, so that such delays do not
 * add up to a slower send (without it, 300 messages took 12.7 s).
 */
@Component
public class SendPacer {

  /** The share of Vonage's limit this worker uses. */
  static final double HEADROOM = 0.92;

  /** Missed slots a late request may still use, sending that many sooner than evenly. */
  static final int CATCH_UP = 1;

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
      long now = System.nanoTime();
      slot = Math.max(now, nextSlot - CATCH_UP * intervalNanos);
      nextSlot = Math.max(nextSlot, now) + intervalNanos;
    }
    long wait = slot - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
