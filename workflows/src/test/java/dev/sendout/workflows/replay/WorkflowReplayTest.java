package dev.sendout.workflows.replay;

import dev.sendout.workflows.batch.BatchWorkflowImpl;
import dev.sendout.workflows.sendout.SendoutWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays histories recorded from earlier versions of the workflows. A change that would break
 * workflows already running (a new activity call, a reordered step) fails here with a
 * non-determinism error: put it behind {@code Workflow.getVersion} and record a new history.
 *
 * <p>The histories were recorded with the test server: a 2,500-message sendout scheduled an hour
 * ahead, in batches of 1,000 with two in flight, and one of its batch workflows. To record one, run
 * the workflow in a {@code TestWorkflowExtension} and write {@code
 * client.fetchHistory(workflowId).toJson(true)} under {@code src/test/resources/histories}.
 */
class WorkflowReplayTest {

  @Test
  void sendoutWorkflowReplaysTheRecordedHistory() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/sendout-workflow-2500-messages.json", SendoutWorkflowImpl.class);
  }

  @Test
  void batchWorkflowReplaysTheRecordedHistory() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/batch-workflow.json", BatchWorkflowImpl.class);
  }
}
