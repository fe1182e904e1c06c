package dev.sendout.workflows.batch;

import dev.sendout.workflows.StoreCalls;
import dev.sendout.workflows.TimedWait;
import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.receipt.ReceiptActivities;
import dev.sendout.workflows.receipt.ReceiptCheckPace;
import dev.sendout.workflows.sendout.SendTally;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * One wait for the receipts of every batch a sendout runs inline once they are sent: one thread,
 * one backstop timer and one local activity ({@link ReceiptActivities#checkEach}) for all of them,
 * where each batch used to wait on its own ({@link BatchRun}'s loop) with a thread, a timer and a
 * check of its own. A sendout taking a round of additions a second keeps a handful of rounds
 * awaiting their receipts at any time, and every receipt signal woke each of them: a check and a
 * timer each, and a switch to each one's thread. A fifth fewer Temporal actions per added recipient
 * (docs/benchmarks.md). Workflow code.
 *
 * <p>Each batch keeps its own receipt deadline, stuck flag and reports ({@link BatchRun#expire},
 * {@link BatchRun#checked}, {@link BatchRun#settle}); what is shared is when they are looked at: on
 * the API's signal at {@link ReceiptCheckPace}'s pace, or at the backstop timer, which starts at
 * {@link BatchRun#FIRST_CHECK} whenever a batch joins or a signal comes and backs off to {@link
 * BatchRun#MAX_CHECK_INTERVAL} while nothing does.
 */
public final class ReceiptWatch {

  /**
   * From version 1 a batch planned after a sendout's first release, and a batch a continued run
   * takes up, awaits its receipts here once sent. Asked where such a batch starts inline, so that
   * the first run of a one-batch sendout keeps its history as it was; a run that had started one
   * before this version replays its first such start without a marker and keeps each batch waiting
   * on its own.
   *
   * <p>What a batch's own loop does besides, the watch leaves out or takes from its constructor:
   * inline batches are never asked to report again (only a child is, by a restarted sendout), and
   * their owner's history and timer rules are the sendout's, the same for all of them.
   */
  public static final String ONE_RECEIPT_WAIT = "one-receipt-wait-for-inline-batches";

  /** A batch sent and awaiting its receipts. */
  private static final class Watched {
    final BatchRun run;
    final StartBatch start;
    final SendTally sent;
    final Instant deadline;
    BatchReceipts state;
    boolean expired;

    Watched(BatchRun run, StartBatch start, SendTally sent, BatchReceipts state, Instant deadline) {
      this.run = run;
      this.start = start;
      this.sent = sent;
      this.state = state;
      this.deadline = deadline;
    }
  }

  private static final Logger log = Workflow.getLogger(ReceiptWatch.class);

  private final BooleanSupplier cancelsTimers;
  private final Runnable historyIsLarge;
  private final List<Watched> watched = new ArrayList<>();
  private boolean running;
  private boolean receiptsArrived;

  /** A batch joined since the loop last looked: the backstop starts over from its first check. */
  private boolean joined;

  /** A batch joined while the timer was set beyond its first check: the wait starts over. */
  private boolean rearm;

  /** When the current wait's timer fires; null while not waiting. */
  private Instant waitEnds;

  /**
   * @param cancelsTimers whether a wait that a signal ended cancels its timer ({@link TimedWait})
   * @param historyIsLarge told at each wake while the history is large, as {@link
   *     BatchRun.Owner#historyIsLarge} is: the sendout continues as new, carrying these batches
   */
  public ReceiptWatch(BooleanSupplier cancelsTimers, Runnable historyIsLarge) {
    this.cancelsTimers = cancelsTimers;
    this.historyIsLarge = historyIsLarge;
  }

  /** New receipts are in the store: look at every batch now, at {@link ReceiptCheckPace}'s pace. */
  public void receiptsArrived() {
    receiptsArrived = true;
    if (!watched.isEmpty()) {
      startWatching();
    }
  }

  /**
   * Takes over {@code run}'s wait for its receipts; the first batch starts the watching thread.
   *
   * @param signalled whether a receipt signal came while the batch was sending: the watch may have
   *     looked at the others for it already, so it looks again, as the batch's own wait would have
   */
  void add(
      BatchRun run,
      StartBatch start,
      SendTally sent,
      BatchReceipts state,
      Instant deadline,
      boolean signalled) {
    watched.add(new Watched(run, start, sent, state, deadline));
    joined = true;
    receiptsArrived |= signalled;
    if (waitEnds != null && waitEnds.isAfter(now().plus(BatchRun.FIRST_CHECK))) {
      rearm = true;
    }
    startWatching();
  }

  /**
   * Starts the watching thread unless it runs. A failure ends it (a store call's failures are
   * retried by {@link StoreCalls}, so only a fault of this code can): it is logged, and the next
   * batch or receipt signal starts it again, rather than the watched batches waiting unseen.
   */
  private void startWatching() {
    if (running) {
      return;
    }
    running = true;
    Async.procedure(this::watch)
        .handle(
            (ignored, failure) -> {
              running = false;
              if (failure != null) {
                log.error("The wait for the receipts of inline batches failed", failure);
              }
              return null;
            });
  }

  private void watch() {
    ReceiptActivities receipts = StoreCalls.shortCalls(ReceiptActivities.class);
    Duration interval = BatchRun.FIRST_CHECK;
    Instant lastCheck = now();
    long checkDue = lastCheck.toEpochMilli();
    while (true) {
      Workflow.await(() -> !watched.isEmpty());
      if (joined) {
        joined = false;
        interval = BatchRun.FIRST_CHECK;
      }
      boolean expiredNow = false;
      // A copy: a batch may join while an expiry is written.
      for (Watched batch : List.copyOf(watched)) {
        if (!batch.expired && !now().isBefore(batch.deadline)) {
          batch.state = batch.run.expire(batch.start, batch.sent);
          batch.expired = true;
          expiredNow = true;
        }
      }
      if (expiredNow) {
        lastCheck = now();
        checkDue = ReceiptCheckPace.dueAfterLookAt(checkDue, lastCheck.toEpochMilli());
      }
      settleThoseWithNothingOpen();
      if (watched.isEmpty()) {
        continue;
      }
      if (Workflow.getInfo().getHistoryLength() >= BatchRun.MAX_HISTORY_EVENTS
          || Workflow.getInfo().isContinueAsNewSuggested()) {
        historyIsLarge.run();
      }
      Duration wait = interval;
      for (Watched batch : watched) {
        Duration untilDeadline = Duration.between(now(), batch.deadline);
        if (!batch.expired && untilDeadline.compareTo(wait) < 0) {
          wait = untilDeadline;
        }
      }
      boolean backstop = wait.equals(interval);
      waitEnds = now().plus(wait);
      boolean signalled = TimedWait.await(wait, () -> receiptsArrived || rearm, cancelsTimers);
      waitEnds = null;
      rearm = false;
      if (signalled && !receiptsArrived) {
        continue; // a batch joined while the timer was set later than its first check
      }
      if (signalled && Duration.between(lastCheck, now()).compareTo(BatchRun.MIN_CHECK_GAP) < 0) {
        long gap = ReceiptCheckPace.waitMs(checkDue, now().toEpochMilli());
        if (gap > 0) {
          Workflow.sleep(Duration.ofMillis(gap));
        }
      }
      // Cleared before reading, so that a signal arriving during the read wakes the next wait.
      receiptsArrived = false;
      List<Watched> looked = List.copyOf(watched);
      List<BatchReceipts> states =
          receipts.checkEach(looked.stream().map(batch -> batch.start.batch()).toList());
      lastCheck = now();
      checkDue = ReceiptCheckPace.dueAfterLookAt(checkDue, lastCheck.toEpochMilli());
      if (signalled) {
        interval = BatchRun.FIRST_CHECK;
      } else if (backstop) {
        interval = BatchRun.longer(interval); // not when a batch's deadline ended the wait
      }
      for (int i = 0; i < looked.size(); i++) {
        Watched batch = looked.get(i);
        BatchReceipts before = batch.state;
        batch.state = states.get(i);
        batch.run.checked(batch.sent, before, batch.state);
      }
      settleThoseWithNothingOpen();
    }
  }

  private void settleThoseWithNothingOpen() {
    watched.removeIf(
        batch -> {
          if (batch.state.tally().open() > 0) {
            return false;
          }
          batch.run.settle(batch.sent, batch.state);
          return true;
        });
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
