package dev.sendout.core.delivery;

import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.batch.DeliveryFailure;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Keeps a paused sendout's delivery calls from sending: the call fails before it claims anything
 * and Temporal retries it, every {@link #RECHECK}, until support staff resume the sendout. Calls
 * the workflow had already scheduled when it was paused so wait too, which is what makes a pause
 * stop new sends at once rather than after the batches in flight.
 */
public final class PauseCheck {

  /** How soon a paused call looks again: the delay between a resume and the sends resuming. */
  static final Duration RECHECK = Duration.ofSeconds(10);

  /** Refuses the call while the sendout is paused, for a call about to send. */
  public static void refuseWhilePaused(SendoutStore sendouts, UUID sendoutId) {
    refuseWhilePaused(sendouts, sendoutId, () -> true);
  }

  /**
   * Refuses the call while the sendout is paused and {@code leftToSend} says the batch still has
   * messages to send (asked only then). A batch with none, retried after its call broke off, ends:
   * refused, it held a sendout whose every message was delivered SENDING, paused, until someone
   * resumed it (a crash drill: ten minutes), where a pause with nothing left to send is refused.
   */
  public static void refuseWhilePaused(
      SendoutStore sendouts, UUID sendoutId, BooleanSupplier leftToSend) {
    if (sendouts.isPaused(sendoutId) && leftToSend.getAsBoolean()) {
      throw DeliveryWait.retryAfter(
          "Sendout paused: sending waits until it is resumed",
          DeliveryFailure.SENDOUT_PAUSED,
          RECHECK);
    }
  }

  private PauseCheck() {}
}
