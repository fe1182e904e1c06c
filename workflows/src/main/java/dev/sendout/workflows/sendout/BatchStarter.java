package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.CHANNEL;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_ID;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.TENANT_ID;

import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.batch.BatchRun;
import dev.sendout.workflows.batch.BatchWorkflow;
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
 * sendout. Batches planned later (added recipients, resends) are children as before.
 */
final class BatchStarter {

  /** Sendouts of one batch run it inline from this version on. */
  static final String INLINE_SINGLE_BATCH = "inline-single-batch";

  private static final Logger log = Workflow.getLogger(BatchStarter.class);

  private final StartSendout start;
  private final Runnable onStarted;
  private final Consumer<BatchProgress> report;

  /** The batch this run sends itself; null when it has none. */
  private BatchRun inline;

  /** Child starts not yet confirmed by the server; a continue-as-new waits for them. */
  private final List<Promise<WorkflowExecution>> starting = new ArrayList<>();

  /**
   * @param onStarted called once the server has confirmed or refused a start, to wake the send loop
   * @param report where the inline batch reports its phases, as a child would by signal
   */
  BatchStarter(StartSendout start, Runnable onStarted, Consumer<BatchProgress> report) {
    this.start = start;
    this.onStarted = onStarted;
    this.report = report;
  }

  /**
   * True once the server has answered every start and the inline batch, if any, has sent: the run
   * may continue as new, carrying the inline batch's wait for receipts ({@link #inlineResume}).
   */
  boolean quiet() {
    return (inline == null || !inline.sending())
        && starting.stream().allMatch(Promise::isCompleted);
  }

  /** What the inline batch carries on with in a continued run; null when there is nothing. */
  StartBatch inlineResume() {
    return inline == null ? null : inline.resumeWith();
  }

  /** Wakes the inline batch's receipt check; without one there is nothing to wake. */
  void receiptsArrived() {
    if (inline != null) {
      inline.receiptsArrived();
    }
  }

  /** A continued run takes up the inline batch's wait for receipts where the last run left it. */
  void resumeInline(StartBatch awaiting) {
    runInline(awaiting);
  }

  void start(SendBatch range, int batchCount) {
    int batchNo = range.batchNo();
    SendoutSettings settings = start.settings();
    StartBatch input =
        StartBatch.of(
            range,
            settings.deliveryTaskQueue(),
            settings.messagesPerCall(),
            settings.receiptTimeout());
    if (batchNo == 0
        && batchCount == 1
        && Workflow.getVersion(INLINE_SINGLE_BATCH, Workflow.DEFAULT_VERSION, 1) == 1) {
      runInline(input);
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
   */
  private void runInline(StartBatch input) {
    inline =
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
            });
    Async.function(inline::run, input);
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
