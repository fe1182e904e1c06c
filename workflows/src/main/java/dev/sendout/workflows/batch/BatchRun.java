package dev.sendout.workflows.batch;

import dev.sendout.workflows.Changes;
import dev.sendout.workflows.Counted;
import dev.sendout.workflows.StoreCalls;
import dev.sendout.workflows.TimedWait;
import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.receipt.ReceiptActivities;
import dev.sendout.workflows.receipt.ReceiptActivities.ExpireReceipts;
import dev.sendout.workflows.receipt.ReceiptCheckPace;
import dev.sendout.workflows.sendout.SendTally;
import dev.sendout.workflows.sendout.SendoutActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The steps of one batch, whoever runs them: sends the chunk through the channel's delivery
 * activity (one call for an email batch, one per 50 messages for SMS), reports it sent, then waits
 * until every message is settled by a receipt. A batch runs either as a {@link BatchWorkflow} child
 * of its sendout or inline in the sendout workflow (a sendout's only batch, and small batches
 * planned after its first release: {@code BatchStarter}); the {@link Owner} is what differs between
 * the two. Workflow code.
 *
 * <p>Receipts are read from the store, woken by the API's coalesced {@code receiptsArrived} signal
 * and, as a backstop for a lost signal, by a timer that backs off from seconds to minutes. At the
 * receipt deadline the messages still without a receipt become UNCONFIRMED and the owner flags the
 * batch stuck; it keeps listening, so that a late receipt still settles them and clears the flag. A
 * batch whose owner has a {@link ReceiptWatch} hands that wait to it once sent, and the watch does
 * the same for all its batches at once.
 */
public final class BatchRun {

  /**
   * Where the batch reports, and what it does at the points where the two ways of running it
   * differ.
   */
  public interface Owner {

    /** A change of phase: sent (awaiting receipts), stuck, settled. */
    void report(BatchProgress progress);

    /** Messages became UNCONFIRMED at the receipt deadline ({@code true}), or all settled after. */
    void flagStuck(boolean stuck);

    /** The history grew large while awaiting receipts: {@code next} carries on from here. */
    void historyIsLarge(StartBatch next);

    /**
     * Whether the batch's phase is its workflow's current details (the Web UI's "current details"):
     * true for a child; false for a batch a sendout runs inline, whose details are the sendout's
     * own, which sum its batches and say first why it is stuck.
     */
    default boolean showsDetails() {
      return true;
    }

    /**
     * Where the receipts stand after a check that changed no phase (which {@link #report} is told
     * of): an owner that sums its batches shows them. An inline batch's owner takes every one, for
     * nothing; a child passes one on to its sendout now and then, each a signal.
     */
    default void checked(BatchProgress progress) {}

    /**
     * Whether a receipt check's wait that a signal ended cancels its timer ({@link TimedWait}):
     * asked at each such wake. False for a child, which ends once its batch settles.
     */
    default boolean cancelsTimers() {
      return false;
    }

    /**
     * Whether the batch's one delivery call is tried first as a local activity, in the workflow
     * task that reaches it ({@link #SEND_IN_TASK}): only a sendout's own inline email batch.
     */
    default boolean sendsInTask() {
      return false;
    }

    /**
     * Whether a batch whose call the provider accepted in the workflow task ({@link #sendsInTask})
     * goes straight to awaiting its receipts, without reading them from the store first: a
     * provider's receipt follows the accepted request, and the API's signal for it wakes the batch
     * (a check woken at once, {@link #FIRST_SIGNAL_AT_ONCE}); the backstop timer stands in for a
     * lost one. A check there found nothing in all but a race, and cost a round of additions a
     * local activity and a query.
     */
    default boolean awaitsReceiptsAfterSendInTask() {
      return false;
    }

    /**
     * The wait this batch hands itself to once sent, shared with the other batches its sendout runs
     * inline ({@link ReceiptWatch}); null for a batch that awaits its receipts itself.
     */
    default ReceiptWatch receiptWatch() {
      return null;
    }
  }

  private static final Logger log = Workflow.getLogger(BatchRun.class);

  /**
   * Long enough for one provider request at its read timeout (20 s) plus the store writes around
   * it; short enough that a call whose worker died is retried within a minute. It is the calls'
   * heartbeat timeout, which the server counts from the start or the last heartbeat: an email call
   * heartbeats before each request after its first (one per content, and per repeat of an address);
   * an SMS call, which sends its messages one request at a time at Vonage's pace, heartbeats before
   * each next message. A call's start-to-close timeout allows this much per message, for a call
   * that is alive but slow.
   */
  static final Duration SEND_TIMEOUT = Duration.ofSeconds(45);

  /**
   * Provider outages can last hours: keep retrying, backing off to a minute. A 429 overrides the
   * interval with the provider's own Retry-After. Permanent refusals never reach this policy: the
   * activity records them as FAILED messages and completes.
   */
  static final RetryOptions SEND_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofMinutes(1))
          .build();

  /** The backstop check comes soon after sending, when receipts are most likely... */
  static final Duration FIRST_CHECK = Duration.ofSeconds(10);

  /**
   * ...then ever more rarely while nothing arrives. Signals wake the batch as soon as receipts
   * come, so this check only makes up for a lost signal; hourly keeps a batch that waits a day for
   * its last receipts to about 200 history events.
   */
  static final Duration MAX_CHECK_INTERVAL = Duration.ofHours(1);

  /**
   * A signalled check made this soon after the one before may have to wait: until this gap has
   * passed before {@link #CHECKS_IN_A_BURST}, as long as {@link ReceiptCheckPace} says since (never
   * longer). That bounds the history of a batch whose receipts trickle in one webhook call at a
   * time. It decides whether a timer is started, so changing it for running workflows needs {@code
   * Workflow.getVersion}.
   */
  static final Duration MIN_CHECK_GAP = Duration.ofSeconds(5);

  /**
   * From version 1 a run's first check woken by a signal is made at once, without the gap: a small
   * batch's receipts come in one webhook call a moment after the send, and the gap only held its
   * completion back by up to 5 s with a timer and a workflow task more (a fifth of a one-recipient
   * sendout's workflow tasks). Later signals kept the gap until {@link #CHECKS_IN_A_BURST}. Asked
   * only where the gap would start a timer, so histories without one replay as they were.
   */
  static final String FIRST_SIGNAL_AT_ONCE = "first-receipt-signal-at-once";

  /**
   * From version 1 the checks a signal wakes keep {@link ReceiptCheckPace}'s pace: a burst at once,
   * then one a gap. Before it, every signalled check after a run's first waited out {@link
   * #MIN_CHECK_GAP} from the check before, so a batch reported in two webhook calls (SendGrid's
   * {@code processed}, then {@code delivered} a moment later) settled up to 5 s after its last
   * receipt, with a timer and a workflow task more: the last seconds of every bulk sendout. The
   * pace never waits longer than that gap did, so it is asked only where the gap would start its
   * timer, and histories recorded before replay as they ran.
   */
  static final String CHECKS_IN_A_BURST = "receipt-checks-in-a-burst";

  /**
   * One attempt, bounded as an activity attempt is ({@link #SEND_TIMEOUT}): a call that fails, is
   * refused while paused, or outlives it goes on as the activity with its retries. A call left in
   * doubt is settled as an activity attempt's is: the activity's claim finds it in flight and makes
   * it UNCONFIRMED, never sends it twice.
   */
  private static final LocalActivityOptions SEND_IN_TASK =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(SEND_TIMEOUT)
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  /**
   * From version 1 a restarted sendout's request to report again ({@link #reportAgain}) that came
   * during the last check before a continue-as-new is answered before it: the continued run does
   * not carry it, and the sendout counted the batch only once it settled or was stuck, holding a
   * place among its batches in flight until then. Asked only then.
   */
  static final String REPORT_BEFORE_CONTINUING = "report-before-continuing";

  /** Continue as new long before the history gets heavy; a stuck batch may wait for weeks. */
  static final int MAX_HISTORY_EVENTS = 2000;

  private final Owner owner;
  private ReceiptActivities receipts;
  private BatchProgress progress;
  private StartBatch resumeWith;
  private boolean receiptsArrived;
  private boolean reportRequested;

  /** Until its one call has been tried in the workflow task ({@link Owner#sendsInTask}). */
  private boolean inTask;

  public BatchRun(Owner owner) {
    this.owner = owner;
    this.inTask = owner.sendsInTask();
  }

  /** Sends the batch (unless a continued run starts it awaiting receipts), then awaits them. */
  public SendTally run(StartBatch start) {
    receipts = StoreCalls.shortCalls(ReceiptActivities.class);
    SendBatch batch = start.batch();
    progress = new BatchProgress(batch.batchNo(), BatchPhase.SENDING, start.sent(), null);
    SendTally sent = start.sent() == null ? send(start) : start.sent();
    Instant deadline =
        start.receiptDeadline() != null
            ? start.receiptDeadline()
            : now().plus(start.receiptTimeout());
    BatchReceipts state =
        start.sent() == null
                && inTask
                && owner.awaitsReceiptsAfterSendInTask()
                && sent.accepted() > 0
                && sent.unconfirmed() == 0
            ? BatchReceipts.awaiting(sent.accepted(), sent.failed())
            : receipts.checkReceipts(batch);
    if (start.receiptDeadline() == null) {
      reportRequested = false; // this first report is the one asked for
      report(BatchPhase.AWAITING_RECEIPTS, sent, state);
    } else {
      // A continued run starts over from awaiting: past the deadline, it expires (idempotent) and
      // flags and reports again, so nothing depends on what the previous run got done.
      progress = new BatchProgress(batch.batchNo(), BatchPhase.AWAITING_RECEIPTS, sent, state);
      describe();
    }
    ReceiptWatch watch = owner.receiptWatch();
    if (watch != null && state.tally().open() > 0) {
      resumeWith = start.awaitingReceipts(sent, deadline);
      watch.add(this, start, sent, state, deadline, receiptsArrived);
      return sent;
    }
    awaitReceipts(start, sent, state, deadline);
    return sent;
  }

  /** New receipts are in the store: check them now, at {@link ReceiptCheckPace}'s pace. */
  public void receiptsArrived() {
    receiptsArrived = true;
    ReceiptWatch watch = owner.receiptWatch();
    if (watch != null) {
      watch.receiptsArrived();
    }
  }

  /** Report the phase again at the next wake-up. */
  public void reportAgain() {
    reportRequested = true;
  }

  /** True until every message of the batch has been handed to the provider (or failed). */
  public boolean sending() {
    return progress == null || progress.phase() == BatchPhase.SENDING;
  }

  /**
   * True from the start of a batch whose one call is tried in the workflow task until that attempt
   * has ended: sent (and reported), or gone on as the activity. Its owner's status waits for it.
   */
  public boolean sendingInTask() {
    return inTask && sending();
  }

  /** True once every message of the batch has a final outcome: nothing is left to wait for. */
  public boolean settled() {
    return progress != null && progress.phase() == BatchPhase.SETTLED;
  }

  public BatchProgress progress() {
    return progress;
  }

  private SendTally send(StartBatch start) {
    SendBatch batch = start.batch();
    int size = batch.toSeq() - batch.fromSeq();
    details(
        "Sending %s (seq %d–%d)"
            .formatted(Counted.of(size, "message"), batch.fromSeq(), batch.toSeq() - 1));
    if (inTask && start.calls().size() == 1) {
      try {
        return sent(
            Workflow.newLocalActivityStub(SendoutActivities.class, SEND_IN_TASK)
                .sendEmailBatch(start.calls().get(0)));
      } catch (ActivityFailure e) {
        if (e.getCause() instanceof ApplicationFailure wait
            && DeliveryFailure.isWait(wait.getType())) {
          log.info(
              "Batch {} of sendout {} waits, as the activity: {}",
              batch.batchNo(),
              batch.sendoutId(),
              wait.getOriginalMessage());
        } else {
          log.warn(
              "Batch {} of sendout {}: the send in the workflow task failed; retrying it as an"
                  + " activity: {}",
              batch.batchNo(),
              batch.sendoutId(),
              e.getCause() == null ? e.toString() : e.getCause().toString());
        }
      }
    }
    inTask = false;
    DeliveryActivities delivery =
        Workflow.newActivityStub(
            DeliveryActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(start.deliveryTaskQueue())
                .setHeartbeatTimeout(SEND_TIMEOUT)
                .setStartToCloseTimeout(SEND_TIMEOUT.multipliedBy(start.messagesPerCall()))
                .setRetryOptions(SEND_RETRY)
                .build());
    // One call per range, all at once: the task queue's rate limit paces them, not this workflow.
    List<Promise<SendTally>> calls = new ArrayList<>();
    for (SendBatch call : start.calls()) {
      calls.add(Async.function(delivery::sendBatch, call));
    }
    SendTally tally = SendTally.NONE;
    for (Promise<SendTally> call : calls) {
      tally = tally.plus(call.get());
    }
    return sent(tally);
  }

  private SendTally sent(SendTally tally) {
    details(
        "Sent %s: %d accepted, %d failed, %d unconfirmed"
            .formatted(
                Counted.of(tally.total(), "message"),
                tally.accepted(),
                tally.failed(),
                tally.unconfirmed()));
    return tally;
  }

  private void awaitReceipts(
      StartBatch start, SendTally sent, BatchReceipts state, Instant deadline) {
    SendBatch batch = start.batch();
    resumeWith = start.awaitingReceipts(sent, deadline);
    Duration interval = FIRST_CHECK;
    Instant lastCheck = now();
    // The whole burst is free: the check right after the send, if one was made, is not counted,
    // as the notifier, which paces the signals, does not count it either.
    long checkDue = lastCheck.toEpochMilli();
    boolean expired = false;
    boolean signalledBefore = false;
    while (state.tally().open() > 0) {
      if (!expired && !now().isBefore(deadline)) {
        state = expire(start, sent);
        expired = true;
        lastCheck = now();
        checkDue = ReceiptCheckPace.dueAfterLookAt(checkDue, lastCheck.toEpochMilli());
        continue;
      }
      if (Workflow.getInfo().getHistoryLength() >= MAX_HISTORY_EVENTS
          || Workflow.getInfo().isContinueAsNewSuggested()) {
        if (reportRequested
            && Workflow.getVersion(REPORT_BEFORE_CONTINUING, Workflow.DEFAULT_VERSION, 1) == 1) {
          reportRequested = false;
          reportAgain(sent, state);
        }
        owner.historyIsLarge(resumeWith);
      }
      Duration wait = interval;
      if (!expired) {
        Duration untilDeadline = Duration.between(now(), deadline);
        wait = untilDeadline.compareTo(wait) < 0 ? untilDeadline : wait;
      }
      boolean signalled =
          TimedWait.await(wait, () -> receiptsArrived || reportRequested, owner::cancelsTimers);
      if (reportRequested) {
        reportRequested = false;
        reportAgain(sent, state);
      }
      Duration sinceLastCheck = Duration.between(lastCheck, now());
      if (signalled
          && sinceLastCheck.compareTo(MIN_CHECK_GAP) < 0
          && (signalledBefore || !Changes.has(FIRST_SIGNAL_AT_ONCE))) {
        Duration gap =
            Workflow.getVersion(CHECKS_IN_A_BURST, Workflow.DEFAULT_VERSION, 1) == 1
                ? Duration.ofMillis(ReceiptCheckPace.waitMs(checkDue, now().toEpochMilli()))
                : MIN_CHECK_GAP.minus(sinceLastCheck);
        if (!gap.isZero()) {
          Workflow.sleep(gap);
        }
      }
      signalledBefore |= signalled;
      // Cleared before reading, so that a signal arriving during the read wakes the next wait.
      receiptsArrived = false;
      BatchReceipts before = state;
      state = receipts.checkReceipts(batch);
      lastCheck = now();
      checkDue = ReceiptCheckPace.dueAfterLookAt(checkDue, lastCheck.toEpochMilli());
      interval = signalled ? FIRST_CHECK : longer(interval);
      checked(sent, before, state);
    }
    settle(sent, state);
  }

  /**
   * The receipt deadline has passed: the messages still without a receipt become UNCONFIRMED, and
   * if any is still waited for ({@link
   * dev.sendout.workflows.receipt.DeliveryTally#unconfirmedFinal}) the batch is stuck.
   */
  BatchReceipts expire(StartBatch start, SendTally sent) {
    SendBatch batch = start.batch();
    BatchReceipts state =
        receipts.expireReceipts(new ExpireReceipts(batch, start.receiptTimeout()));
    if (state.tally().unconfirmedOpen() > 0) {
      owner.flagStuck(true);
      report(BatchPhase.STUCK, sent, state);
      log.warn(
          "Batch {} of sendout {}: {} messages without a receipt after {}",
          batch.batchNo(),
          batch.sendoutId(),
          state.tally().unconfirmed(),
          start.receiptTimeout());
    }
    return state;
  }

  /** A check found {@code state}, {@code before} it: reported if a stuck batch's count moved. */
  void checked(SendTally sent, BatchReceipts before, BatchReceipts state) {
    if (progress.phase() == BatchPhase.STUCK
        && state.tally().open() > 0
        && state.tally().unconfirmed() != before.tally().unconfirmed()) {
      report(BatchPhase.STUCK, sent, state);
    } else {
      progress = new BatchProgress(progress.batchNo(), progress.phase(), sent, state);
      describe();
      owner.checked(progress);
    }
  }

  /** Every message has a final outcome: the batch is settled, and no longer stuck. */
  void settle(SendTally sent, BatchReceipts state) {
    if (progress.phase() == BatchPhase.STUCK) {
      owner.flagStuck(false);
    }
    resumeWith = null;
    report(BatchPhase.SETTLED, sent, state);
  }

  /** Tells a restarted sendout that this batch was sent, and, if it is, that it is stuck. */
  private void reportAgain(SendTally sent, BatchReceipts state) {
    BatchPhase phase = progress.phase();
    report(BatchPhase.AWAITING_RECEIPTS, sent, state);
    if (phase == BatchPhase.STUCK) {
      report(BatchPhase.STUCK, sent, state);
    }
  }

  static Duration longer(Duration interval) {
    Duration doubled = interval.multipliedBy(2);
    return doubled.compareTo(MAX_CHECK_INTERVAL) > 0 ? MAX_CHECK_INTERVAL : doubled;
  }

  /**
   * While awaiting receipts, the input a continued run carries on with ({@link
   * StartBatch#awaitingReceipts}); null while sending and once settled.
   */
  public StartBatch resumeWith() {
    return resumeWith;
  }

  /** Records the new phase and tells the sendout, which keeps a window of senders. */
  private void report(BatchPhase phase, SendTally sent, BatchReceipts state) {
    progress = new BatchProgress(progress.batchNo(), phase, sent, state);
    describe();
    owner.report(progress);
  }

  private void describe() {
    var tally = progress.receipts().tally();
    details(
        switch (progress.phase()) {
          case SENDING, AWAITING_RECEIPTS -> "Awaiting receipts: " + tally;
          case STUCK ->
              "STUCK (NO_RECEIPT): %s unconfirmed since %s; %s"
                  .formatted(
                      Counted.of(tally.unconfirmedOpen(), "message"),
                      progress.receipts().unconfirmedSince(),
                      tally);
          case SETTLED -> "Settled: " + tally;
        });
  }

  private void details(String text) {
    if (owner.showsDetails()) {
      Workflow.setCurrentDetails(text);
    }
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
