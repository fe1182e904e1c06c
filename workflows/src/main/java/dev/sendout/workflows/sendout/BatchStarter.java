package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.CHANNEL;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_ID;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.TENANT_ID;

import dev.sendout.workflows.Changes;
import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.batch.BatchRun;
import dev.sendout.workflows.batch.BatchWorkflow;
import dev.sendout.workflows.batch.ReceiptWatch;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.batch.StartBatch;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Starts a sendout's batches as child workflows that outlive the run that starts them ({@code
 * ParentClosePolicy.ABANDON}): they report by signal to whichever run of the sendout is current, so
 * their results are not awaited. Workflow code, called from {@link SendoutWorkflowImpl} only.
 *
 * <p>A sendout whose messages fit one batch (a transactional invitation, most often of one
 * recipient) runs that batch inline instead: the same steps ({@link BatchRun}) in a thread of the
 * sendout workflow, reporting straight to the sendout. That saves the child's start, its history
 * and its signals, which cost more than the sending itself; the Web UI still shows one workflow per
 * sendout.
 *
 * <p>From version 1 of {@link #INLINE_LATER_BATCHES}, a small batch planned after the first release
 * (a round of added recipients, a resend, a reminder wave, a window opening) runs inline too, up to
 * {@link #MAX_INLINE} at once: a survey platform adding recipients one at a time all day would
 * otherwise start a child workflow per round. Larger ones, and those beyond the limit, are
 * children, which keep the sendout's own history small.
 */
final class BatchStarter {

  /** Sendouts of one batch run it inline from this version on. */
  static final String INLINE_SINGLE_BATCH = "inline-single-batch";

  /**
   * From version 1 the one call of an email sendout's only batch is tried first as a local
   * activity, in the workflow task that starts the batch (most often the sendout's first, after its
   * local release), and only if that fails as the delivery activity, with its retries ({@link
   * BatchRun}). A one-recipient sendout so saves an activity task and the workflow task after it.
   * Email only: SMS calls are paced by their own task queue and worker. Asked only of such batches,
   * so that other histories stay as they were.
   */
  static final String LOCAL_SMALL_SEND = "local-small-send";

  /** Small batches planned after the first release run inline from this version on. */
  static final String INLINE_LATER_BATCHES = "inline-later-batches";

  /** Inline batches sending or awaiting receipts at once; a later batch beyond it is a child. */
  static final int MAX_INLINE = 16;

  /**
   * Delivery calls of a later batch run inline at most: an email batch is one call whatever its
   * size, an SMS batch one per 50 messages (one per message for sendouts started before that), each
   * of which would add its events to the sendout's history.
   */
  static final int MAX_INLINE_CALLS = 20;

  private static final Logger log = Workflow.getLogger(BatchStarter.class);

  private final StartSendout start;
  private final Runnable onStarted;
  private final Consumer<BatchProgress> report;
  private final Consumer<BatchProgress> checked;
  private final BooleanSupplier cancelsTimers;
  private final BooleanSupplier roundsInTask;
  private final BooleanSupplier leanRounds;

  /** The batches this run sends itself and that have not settled yet. */
  private final List<BatchRun> inline = new ArrayList<>();

  /** Where later and resumed inline batches await their receipts together ({@link #watched}). */
  private final ReceiptWatch watch;

  /** Child starts not yet confirmed by the server; a continue-as-new waits for them. */
  private final List<Promise<WorkflowExecution>> starting = new ArrayList<>();

  /** The signals {@link #wake} sent, until the server has taken them. */
  private final List<Promise<Void>> waking = new ArrayList<>();

  /**
   * @param onStarted called once the server has confirmed or refused a start (or a signal of {@link
   *     #wake}), to wake the send loop
   * @param report where the inline batch reports its phases, as a child would by signal
   * @param checked where the inline batch tells its receipts between phases ({@link
   *     BatchRun.Owner#checked})
   * @param cancelsTimers whether the inline batches' receipt checks cancel the timers of waits that
   *     a signal ended ({@link BatchRun.Owner#cancelsTimers})
   * @param roundsInTask whether a later inline email batch is sent in the workflow task too ({@link
   *     SendoutWorkflowImpl#ROUNDS_IN_TASK})
   * @param leanRounds whether an inline batch sent in the workflow task awaits its receipts' signal
   *     without first reading the store ({@link SendoutWorkflowImpl#LEAN_ROUNDS})
   */
  BatchStarter(
      StartSendout start,
      Runnable onStarted,
      Consumer<BatchProgress> report,
      Consumer<BatchProgress> checked,
      BooleanSupplier cancelsTimers,
      BooleanSupplier roundsInTask,
      BooleanSupplier leanRounds) {
    this.start = start;
    this.onStarted = onStarted;
    this.report = report;
    this.checked = checked;
    this.cancelsTimers = cancelsTimers;
    this.roundsInTask = roundsInTask;
    this.leanRounds = leanRounds;
    this.watch = new ReceiptWatch(cancelsTimers, onStarted);
  }

  /**
   * True once the server has answered every start and the inline batch, if any, has sent: the run
   * may continue as new, carrying the inline batch's wait for receipts ({@link #inlineResume}).
   */
  boolean quiet() {
    return inline.stream().noneMatch(BatchRun::sending)
        && starting.stream().allMatch(Promise::isCompleted)
        && waking.stream().allMatch(Promise::isCompleted);
  }

  /** True while an inline batch's send is tried in the workflow task and has not ended yet. */
  boolean sendingInTask() {
    return inline.stream().anyMatch(BatchRun::sendingInTask);
  }

  /**
   * Whether a later batch run inline sends its one call in the workflow task ({@link
   * SendoutWorkflowImpl#ROUNDS_IN_TASK}): by email only.
   */
  boolean sendsRoundsInTask() {
    return start.channel() == Channel.EMAIL && roundsInTask.getAsBoolean();
  }

  /**
   * Tells these batches to read their receipts now, as the API's signal does when receipts come: a
   * resend took their unconfirmed messages into a batch of its own, and each settles once it reads
   * them gone. Left to its backstop check, which backs off to an hour, a stuck batch kept its
   * {@code Stuck} flag and impossible counts, and held its sendout from completing, for up to an
   * hour after the resent messages were delivered. A child that has ended meanwhile refuses the
   * signal, which is logged.
   */
  void wake(List<Integer> batchNos) {
    for (int batchNo : batchNos) {
      BatchRun run =
          inline.stream()
              .filter(r -> r.progress() != null && r.progress().batchNo() == batchNo)
              .findFirst()
              .orElse(null);
      if (run != null) {
        run.receiptsArrived();
        continue;
      }
      String batchId = BatchWorkflow.workflowId(start.sendoutId(), batchNo);
      BatchWorkflow child = Workflow.newExternalWorkflowStub(BatchWorkflow.class, batchId);
      waking.removeIf(Promise::isCompleted);
      // Awaited before a continue-as-new ({@link #quiet}), which would drop a signal not sent yet.
      waking.add(
          Async.procedure(child::receiptsArrived)
              .handle(
                  (sent, failure) -> {
                    if (failure != null) {
                      log.info(
                          "Batch {} could not be told to read its receipts: {}", batchId, failure);
                    }
                    onStarted.run();
                    return null;
                  }));
    }
  }

  /** What the inline batches carry on with in a continued run: those awaiting receipts. */
  List<StartBatch> inlineResume() {
    return inline.stream().map(BatchRun::resumeWith).filter(Objects::nonNull).toList();
  }

  /** Wakes the inline batches' receipt checks; without one there is nothing to wake. */
  void receiptsArrived() {
    inline.forEach(BatchRun::receiptsArrived);
  }

  /** A continued run takes up an inline batch's wait for receipts where the last run left it. */
  void resumeInline(StartBatch awaiting) {
    runInline(awaiting, false, watched());
  }

  /**
   * Whether a later or resumed inline batch awaits its receipts in the shared {@link ReceiptWatch}
   * ({@link ReceiptWatch#ONE_RECEIPT_WAIT}). Temporal answers the same all through a run.
   */
  private static boolean watched() {
    return Workflow.getVersion(ReceiptWatch.ONE_RECEIPT_WAIT, Workflow.DEFAULT_VERSION, 1) == 1;
  }

  /**
   * Starts batch {@code range}, inline or as a child.
   *
   * @param later whether the batch was planned after the first release's batches
   */
  void start(SendBatch range, int batchCount, boolean later) {
    int batchNo = range.batchNo();
    SendoutSettings settings = start.settings();
    StartBatch input =
        StartBatch.of(
            range,
            settings.deliveryTaskQueue(),
            settings.messagesPerCall(),
            settings.receiptTimeout());
    if (batchNo == 0 && batchCount == 1 && Changes.has(INLINE_SINGLE_BATCH)) {
      runInline(
          input,
          start.channel() == Channel.EMAIL
              && Workflow.getVersion(LOCAL_SMALL_SEND, Workflow.DEFAULT_VERSION, 1) == 1,
          false);
      return;
    }
    inline.removeIf(BatchRun::settled);
    if (later
        && inline.size() < MAX_INLINE
        && input.callCount() <= MAX_INLINE_CALLS
        && Changes.has(INLINE_LATER_BATCHES)) {
      runInline(input, sendsRoundsInTask(), watched());
      return;
    }
    var options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(BatchWorkflow.workflowId(start.sendoutId(), batchNo))
            .setStaticSummary(
                "Batch %d of %d for sendout %s: %d messages"
                    .formatted(
                        batchNo + 1,
                        batchCount,
                        start.sendoutId(),
                        range.toSeq() - range.fromSeq()))
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(SENDOUT_ID, start.sendoutId())
                    .set(TENANT_ID, start.tenantId())
                    .set(CHANNEL, start.channel().name())
                    .set(STUCK, false)
                    .build());
    BatchWorkflow batch = Workflow.newChildWorkflowStub(BatchWorkflow.class, options.build());
    // The batch reports by signal; its result, or the failure of a start refused below, is not
    // needed, and is marked seen so that the SDK does not warn about it.
    Async.function(batch::run, input).handle((sent, failure) -> null);
    Promise<WorkflowExecution> started = Workflow.getWorkflowExecution(batch);
    starting.removeIf(Promise::isCompleted);
    starting.add(started);
    started.handle(
        (execution, failure) -> {
          if (failure != null) {
            didNotStart(batchNo, failure);
          }
          onStarted.run();
          return null;
        });
  }

  /**
   * Runs the batch in a thread of the sendout workflow. Its stuck flag is the sendout's own ({@link
   * StuckFlag} counts stuck batches from their reports), and when its wait for receipts makes the
   * history large it wakes the send loop, which continues the sendout as new with it.
   *
   * <p>It leaves the current details to the sendout, which sums all its batches, and tells it its
   * receipts after each check, so that the details and the {@code progress} query are as fresh as a
   * child's own details. (Batch 0 used to write them itself, over the sendout's, and kept doing so
   * once additions or a hand-over gave the sendout more batches: a stuck sendout's details then
   * lost their STUCK line.)
   *
   * @param sendsInTask whether its one delivery call is tried first in the workflow task ({@link
   *     #LOCAL_SMALL_SEND})
   * @param watched whether, once sent, it awaits its receipts in the shared {@link ReceiptWatch}
   */
  private void runInline(StartBatch input, boolean sendsInTask, boolean watched) {
    BatchRun run =
        new BatchRun(
            new BatchRun.Owner() {
              @Override
              public void report(BatchProgress progress) {
                report.accept(progress);
              }

              @Override
              public void flagStuck(boolean stuck) {}

              @Override
              public void historyIsLarge(StartBatch next) {
                onStarted.run();
              }

              @Override
              public boolean showsDetails() {
                return false;
              }

              @Override
              public void checked(BatchProgress progress) {
                checked.accept(progress);
              }

              @Override
              public boolean cancelsTimers() {
                return cancelsTimers.getAsBoolean();
              }

              @Override
              public boolean sendsInTask() {
                return sendsInTask;
              }

              @Override
              public boolean awaitsReceiptsAfterSendInTask() {
                return leanRounds.getAsBoolean();
              }

              @Override
              public ReceiptWatch receiptWatch() {
                return watched ? watch : null;
              }
            });
    inline.add(run);
    Async.function(run::run, input);
  }

  /**
   * A batch whose id is still taken by a running workflow: this run was restarted (by the watchdog)
   * while batches of the previous run carried on, abandoned. Asks that batch to report again, so
   * that this run counts it.
   */
  private void didNotStart(int batchNo, Exception failure) {
    String batchId = BatchWorkflow.workflowId(start.sendoutId(), batchNo);
    // The SDK fails the start with a ChildWorkflowFailure caused by
    // WorkflowExecutionAlreadyStarted.
    if (failure instanceof ChildWorkflowFailure child
        && child.getCause() instanceof WorkflowExecutionAlreadyStarted) {
      log.info("Batch {} is still running from an earlier run: asking it to report", batchId);
      Workflow.newExternalWorkflowStub(BatchWorkflow.class, batchId).reportAgain();
      return;
    }
    log.error("Batch {} did not start", batchId, failure);
  }
}
