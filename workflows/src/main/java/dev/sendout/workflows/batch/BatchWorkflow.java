package dev.sendout.workflows.batch;

import dev.sendout.workflows.sendout.SendTally;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One chunk of a sendout, workflow id {@code sendout-<sendoutId>-batch-<n>}: sends its messages,
 * then waits until each is settled by a receipt, flagging the ones with none by the receipt
 * deadline.
 */
@WorkflowInterface
public interface BatchWorkflow {

  @WorkflowMethod
  SendTally run(StartBatch start);

  /**
   * New receipts for this batch are in the store. Carries nothing: the workflow reads the store, so
   * many receipts cost one signal (the API coalesces them) and a lost signal only delays the next
   * check.
   */
  @SignalMethod
  void receiptsArrived();

  /**
   * Asks the batch to report its phase to the sendout again: a sendout workflow restarted by the
   * watchdog has forgotten the reports of the batches its previous run left running.
   */
  @SignalMethod
  void reportAgain();

  @QueryMethod
  BatchProgress progress();

  static String workflowId(String sendoutId, int batchNo) {
    return "sendout-" + sendoutId + "-batch-" + batchNo;
  }
}
