package dev.sendout.activities;

import dev.sendout.core.store.StoreErrors;
import dev.sendout.workflows.StoreCalls;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a store activity's work and classifies what fails: data the database refuses, or a row the
 * work needs that is gone (a sendout whose rows someone deleted), becomes a non-retryable {@link
 * StoreCalls#DATA_REFUSED} failure, since every retry would fail the same way and the workflow
 * would wait on it forever; any other database error (a lost connection, a lock timeout, a
 * deadlock) is retried by the activity's retry policy, as a failure that says only what the
 * database said. Its whole cause chain, stack traces and statement, was larger than the server
 * keeps of an activity's last failure: the Web UI's Pending Activities showed "Failure exceeds size
 * limit." instead of, say, the lock timeout that held the release. The whole error is logged, but
 * for a wait behind another transaction (a lock or statement timeout, a deadlock), which is logged
 * in one line, as is a database that cannot be reached.
 */
public final class StoreCall {

  private static final Logger log = LoggerFactory.getLogger(StoreCall.class);

  private StoreCall() {}

  public static <T> T classified(Supplier<T> work) {
    try {
      return work.get();
    } catch (TemporalFailure e) {
      throw e; // the activity's own refusal, already what the workflow reads
    } catch (RuntimeException e) {
      if (StoreErrors.isDataError(e)) {
        throw ApplicationFailure.newNonRetryableFailure(
            StoreErrors.reason(e), StoreCalls.DATA_REFUSED);
      }
      if (StoreErrors.isMissingRow(e)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "A row it needs is gone from the store (deleted under the running workflow?): "
                + StoreErrors.reason(e),
            StoreCalls.DATA_REFUSED);
      }
      if (!StoreErrors.isDatabaseError(e)) {
        throw e; // not the database's: a bug of ours keeps its stack trace for the log
      }
      if (isOutage(e)) {
        throw retriedAfterOutage(e);
      }
      log.warn("Store call{} failed; the activity retries it", caller(), e);
      throw ApplicationFailure.newFailure(StoreErrors.reason(e), e.getClass().getName());
    }
  }

  /**
   * What a delivery call throws for {@code error}: for the database away or waiting behind another
   * transaction, the failure {@link #classified} throws for it, else {@code error} itself. A
   * delivery call's other errors are left as they are; but an outage's, raw, had the SDK log a
   * stack trace at every retry of every batch (6,500 lines a worker in a drill's 50 s without
   * Postgres) and the Web UI show "Failure exceeds size limit." as the batch's last failure.
   */
  public static RuntimeException ifOutage(RuntimeException error) {
    return error instanceof TemporalFailure
            || !StoreErrors.isDatabaseError(error)
            || !isOutage(error)
        ? error
        : retriedAfterOutage(error);
  }

  /**
   * Waiting behind another transaction (an upload holding its sendout's row, say), or the database
   * away, which every call meets until it is over.
   */
  private static boolean isOutage(RuntimeException e) {
    return StoreErrors.isContention(e) || StoreErrors.isUnreachable(e);
  }

  /**
   * One line a retry, not a stack trace at each for as long as it lasts (a fault drill's frozen
   * database: 65 lines each): logged here, and of the benign category, which the SDK logs at DEBUG.
   * The Web UI shows what the database said as the activity's last failure.
   */
  private static ApplicationFailure retriedAfterOutage(RuntimeException e) {
    log.warn("Store call{} failed; the activity retries it: {}", caller(), StoreErrors.reason(e));
    return ApplicationFailure.newBuilder()
        .setMessage(StoreErrors.reason(e))
        .setType(e.getClass().getName())
        .setCategory(ApplicationErrorCategory.BENIGN)
        .build();
  }

  /**
   * " of" and the workflow the call is made for: a store call runs without the sendout in the log's
   * context, and a warning that named none said nothing of which sendout waited (an ops check).
   */
  private static String caller() {
    try {
      return " of " + Activity.getExecutionContext().getInfo().getWorkflowId();
    } catch (RuntimeException outsideAnActivity) {
      return "";
    }
  }

  public static void classified(Runnable work) {
    classified(
        () -> {
          work.run();
          return null;
        });
  }
}
