package dev.sendout.workflows.sendout;

import dev.sendout.workflows.batch.BatchProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One sendout, workflow id {@code sendout-<sendoutId>}: waits for the send time, releases the
 * messages, fans them out to {@code BatchWorkflow} children over a bounded sliding window, and
 * completes once every batch has settled.
 */
@WorkflowInterface
public interface SendoutWorkflow {

  @WorkflowMethod
  SendTally run(StartSendout start);

  @QueryMethod
  SendoutProgress progress();

  /**
   * A batch reports a change of phase: sent, stuck, settled. A few signals per batch, never one per
   * receipt, so a sendout stays far below the server's limit of signals per execution.
   */
  @SignalMethod
  void batchProgress(BatchProgress progress);

  static String workflowId(String sendoutId) {
    return "sendout-" + sendoutId;
  }
}
