package dev.sendout.workflows.sendout;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One sendout, workflow id {@code sendout-<sendoutId>}: waits for the send time, releases the
 * messages, and fans them out to {@code BatchWorkflow} children over a bounded sliding window.
 */
@WorkflowInterface
public interface SendoutWorkflow {

  @WorkflowMethod
  SendTally run(StartSendout start);

  @QueryMethod
  SendoutProgress progress();

  static String workflowId(String sendoutId) {
    return "sendout-" + sendoutId;
  }
}
