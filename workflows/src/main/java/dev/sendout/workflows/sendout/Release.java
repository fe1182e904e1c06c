package dev.sendout.workflows.sendout;

import dev.sendout.workflows.Changes;
import dev.sendout.workflows.TimedWait;
import dev.sendout.workflows.sendout.SendoutActivities.ReleaseSendout;
import dev.sendout.workflows.sendout.SendoutActivities.Released;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;

/**
 * Releases a sendout's QUEUED messages through the store, watching the release deadline: past the
 * due time + the release grace with the release still not done (an activity failing, no worker
 * polling), the sendout is flagged {@code NOT_RELEASED} until the release succeeds. Workflow code,
 * called from {@link SendoutWorkflowImpl} only.
 */
final class Release {

  private static final Logger log = Workflow.getLogger(Release.class);

  /**
   * From version 1 the first release of a sendout that fits one batch is tried once as a local
   * activity, in the workflow task that starts the sendout, and only if that fails is it made an
   * activity watched by its deadline ({@link #by}). A one-recipient sendout so saves an activity
   * task, a workflow task and the deadline's timer: a third of the round trips to the server that
   * it took, where the server's work bounded how many such sendouts the engine completes a second.
   * Asked only of such sendouts, so that the others' histories stay as they were.
   */
  static final String LOCAL_SMALL_RELEASE = "local-small-release";

  /**
   * One attempt, well within the release grace: a release that fails or is slow (the database away)
   * goes on as an activity, whose retries and deadline timer do not hold the workflow task.
   */
  private static final LocalActivityOptions ONE_ATTEMPT =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  private final SendoutActivities store;
  private final StartSendout start;
  private final StuckFlag stuck;
  private final IntSupplier changes;
  private final Runnable describeProgress;
  private final BooleanSupplier cancelsTimers;

  /**
   * @param changes the sendout's change counter: while the release is overdue, every change (a
   *     watchdog finding, an acknowledgement) publishes the flag and the progress again
   * @param cancelsTimers whether the sendout cancels the timers of waits that ended early ({@link
   *     TimedWait}): then a release waits for its deadline on one timer, cancelled once released;
   *     else every change during the release started another, and none was cancelled
   */
  Release(
      SendoutActivities store,
      StartSendout start,
      StuckFlag stuck,
      IntSupplier changes,
      Runnable describeProgress,
      BooleanSupplier cancelsTimers) {
    this.store = store;
    this.start = start;
    this.stuck = stuck;
    this.changes = changes;
    this.describeProgress = describeProgress;
    this.cancelsTimers = cancelsTimers;
  }

  /**
   * The sendout's first release, due at its send time; returns the sendout's message count. A
   * sendout of one batch tries it as a local activity first ({@link #LOCAL_SMALL_RELEASE}).
   */
  int first(Instant sendAt) {
    return by(
            sendAt,
            start.recipientCount() <= start.settings().batchSize()
                && Changes.has(LOCAL_SMALL_RELEASE),
            false,
            null)
        .messageCount();
  }

  /**
   * Releases the messages due at {@code dueAt}. With {@code inTask} the release is tried once as a
   * local activity, in the workflow task: it is idempotent, so an attempt that timed out but
   * committed leaves the activity nothing to do but count. A round of added recipients that fits
   * one batch asks it ({@link SendoutWorkflowImpl#ROUNDS_IN_TASK}), and, when it sends in the same
   * task, that a SENT sendout stay SENT ({@code keepSent}, {@link
   * SendoutWorkflowImpl#LEAN_ROUNDS}); only the local attempt keeps it.
   *
   * @param only the ranges to release, for a round of added recipients; null for all QUEUED ({@link
   *     ReleaseSendout#only})
   */
  Released by(Instant dueAt, boolean inTask, boolean keepSent, List<SeqRange> only) {
    if (inTask) {
      try {
        return Workflow.newLocalActivityStub(SendoutActivities.class, ONE_ATTEMPT)
            .release(new ReleaseSendout(start.sendoutId(), keepSent, only));
      } catch (ActivityFailure e) {
        log.warn(
            "Sendout {}: the release in the workflow task failed; retrying it as an activity: {}",
            start.sendoutId(),
            e.getCause() == null ? e.toString() : e.getCause().toString());
      }
    }
    return run(dueAt, new ReleaseSendout(start.sendoutId(), false, only));
  }

  /**
   * Releases the messages whose delivery window is open, due at {@code dueAt} (the send time, or
   * the opening of a window): each call is a release of its own, named by a deterministic id.
   */
  Released inWindows(Instant dueAt) {
    return run(
        dueAt,
        new ReleaseSendout(
            start.sendoutId(),
            Workflow.randomUUID().toString(),
            start.settings().batchSize(),
            dueAt,
            false,
            null));
  }

  private Released run(Instant dueAt, ReleaseSendout input) {
    Promise<Released> released = Async.function(store::release, input);
    Instant deadline = dueAt.plus(start.settings().releaseGrace());
    boolean oneTimer = cancelsTimers.getAsBoolean() && Changes.has(TimedWait.CANCEL_TIMERS);
    while (!released.isCompleted()) {
      int seen = changes.getAsInt();
      Duration left = Duration.between(now(), deadline);
      if (left.isNegative() || left.isZero()) {
        if (!stuck.state().releaseOverdue()) {
          log.warn("Sendout {}: messages not released by {}", start.sendoutId(), deadline);
          stuck.releaseOverdue(true);
        }
        stuck.publish(false);
        describeProgress.run();
        Workflow.await(() -> released.isCompleted() || changes.getAsInt() != seen);
      } else if (oneTimer) {
        // Changes matter only once the release is overdue (above); until then nothing wakes it.
        TimedWait.await(left, released::isCompleted, () -> true);
      } else {
        Workflow.await(left, () -> released.isCompleted() || changes.getAsInt() != seen);
      }
    }
    if (stuck.state().releaseOverdue()) {
      stuck.releaseOverdue(false);
      stuck.publish(false);
    }
    return released.get();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
