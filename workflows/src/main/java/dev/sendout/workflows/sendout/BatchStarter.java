package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.CHANNEL;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_ID;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.TENANT_ID;

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
import org.slf4j.Logger;

/**
 * Starts a sendout's batches as child workflows that outlive the run that starts them ({@code
 * ParentClosePolicy.ABANDON}): they report by signal to whichever run of the sendout is current, so
 * their results are not awaited. Workflow code, called from {@link SendoutWorkflowImpl} only.
 */
final class BatchStarter {

  private static final Logger log = Workflow.getLogger(BatchStarter.class);

  private final StartSendout start;
  private final Runnable onStarted;

  /** Child starts not yet confirmed by the server; a continue-as-new waits for them. */
  private final List<Promise<WorkflowExecution>> starting = new ArrayList<>();

  /**
   * @param onStarted called once the server has confirmed or refused a start, to wake the send loop
   */
  BatchStarter(StartSendout start, Runnable onStarted) {
    this.start = start;
    this.onStarted = onStarted;
  }

  /** True once the server has answered every start: the run may continue as new. */
  boolean allStartsConfirmed() {
    return starting.stream().allMatch(Promise::isCompleted);
  }

  void start(SendBatch range, int batchCount) {
    int batchNo = range.batchNo();
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
    SendoutSettings settings = start.settings();
    StartBatch input =
        StartBatch.of(
            range,
            settings.deliveryTaskQueue(),
            settings.messagesPerCall(),
            settings.receiptTimeout());
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
