package dev.sendout.workflows.batch;

import dev.sendout.workflows.sendout.SendTally;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One chunk of a sendout, workflow id {@code sendout-<sendoutId>-batch-<n>}. */
@WorkflowInterface
public interface BatchWorkflow {

  @WorkflowMethod
  SendTally run(StartBatch start);

  static String workflowId(String sendoutId, int batchNo) {
    return "sendout-" + sendoutId + "-batch-" + batchNo;
  }
}
