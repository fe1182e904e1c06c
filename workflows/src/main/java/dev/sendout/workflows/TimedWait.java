package dev.sendout.workflows;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.CompletablePromise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code Workflow.await(timeout, condition)} that can cancel its timer when the condition comes
 * first. The SDK's own leaves that timer running (SDK 1.38 cancels it only under an SDK flag that
 * it does not turn on): it fires later all the same, and each firing is a workflow task that does
 * nothing. A sendout taking additions all day woke so for every round: its release's 600 s deadline
 * ten minutes on, and each inline batch's receipt check 10 s on (58 of 76 such timers fired in one
 * minute of a benchmark, a quarter of the sendout's workflow tasks).
 *
 * <p>Cancelling adds a command to the history, so running workflows ask {@link #CANCEL_TIMERS} the
 * first time a timer would be cancelled, and only where the caller wants it: workflows that end
 * moments later (a one-recipient sendout) keep their history as it was, and drop their timers when
 * they complete.
 */
public final class TimedWait {

  /** From version 1 a wait whose condition came first cancels its timer. */
  public static final String CANCEL_TIMERS = "cancel-wait-timers";

  private TimedWait() {}

  /**
   * Waits until {@code condition} holds or {@code timeout} has passed, as {@code Workflow.await}
   * does; when the condition came first and {@code cancel} says so, the timer is cancelled.
   *
   * @return false once the timeout has passed (even if the condition holds too), else true: what
   *     {@code Workflow.await} answers, so that replaying code written against it decides alike
   */
  public static boolean await(
      Duration timeout, Supplier<Boolean> condition, BooleanSupplier cancel) {
    CompletablePromise<Void> fired = Workflow.newPromise();
    CancellationScope timer =
        Workflow.newCancellationScope(() -> fired.completeFrom(Workflow.newTimer(timeout)));
    timer.run();
    // A cancelled timer fails the promise, which nothing reads: marked seen, so that the SDK does
    // not log each one when the run ends (hundreds in a sendout that took additions all day).
    fired.handle((ignored, failure) -> null);
    Workflow.await(() -> fired.isCompleted() || condition.get());
    if (fired.isCompleted()) {
      return false;
    }
    if (cancel.getAsBoolean() && Changes.has(CANCEL_TIMERS)) {
      timer.cancel();
    }
    return true;
  }
}
