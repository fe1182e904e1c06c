package dev.sendout.core.delivery;

import dev.sendout.workflows.batch.DeliveryFailure;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps a delivery call's recipients whose window is closed from being sent before it opens ({@link
 * DeliveryStore#holdOutsideWindows}): the call sends the others, then fails, and Temporal retries
 * it when the first of the held windows opens, or after {@link #RECHECK} if that is sooner, so that
 * a cancel, a close or a pause meanwhile is seen within it rather than the next morning. Not
 * sooner: each retry takes one of the SMS task queue's dispatches, shared by every sendout at
 * Vonage's rate, and an SMS sendout held overnight may have hundreds of calls.
 */
public final class WindowHold {

  /** The longest a held call waits before it looks again. */
  static final Duration RECHECK = Duration.ofMinutes(10);

  private WindowHold() {}

  /** Fails the call if it held messages back ({@code heldUntil} not null), to be retried then. */
  public static void refuseIfHeld(Instant heldUntil, Instant now) {
    if (heldUntil == null) {
      return;
    }
    Duration wait = Duration.between(now, heldUntil);
    if (wait.compareTo(RECHECK) > 0) {
      wait = RECHECK;
    } else if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
      wait = Duration.ofSeconds(1);
    }
    throw DeliveryWait.retryAfter(
        "Outside the delivery window of some recipients: they wait until it opens at "
            + heldUntil
            + "; the others were sent",
        DeliveryFailure.OUTSIDE_WINDOW,
        wait);
  }
}
