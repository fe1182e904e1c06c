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
 * <p>The histories were recorded with the test server and the fakes of {@code SendoutWorkflowTest}:
 *
 * <ul>
 *   <li>{@code sendout-workflow-2500-messages} and {@code batch-workflow}: the first version,
 *       before receipts were tracked: a 2,500-message sendout scheduled an hour ahead, in batches
 *       of 1,000 with two in flight, and one of its batches.
 *   <li>{@code sendout-workflow-30-messages-late-receipt} and {@code
 *       batch-workflow-stuck-then-settled}: with receipts, a 30-message sendout in batches of 10,
 *       one message silent past its 24-hour receipt deadline (its batch flagged stuck), then
 *       delivered by a late receipt after 30 hours.
 *   <li>{@code sendout-workflow-continued-as-new-first-run} and {@code -last-run}: with receipts,
 *       30 batches of one message, four sending at a time, continuing as new past 60 events: the
 *       run that continues (checkpoint, children left running) and the last run, which restores the
 *       checkpoint and completes.
 *   <li>{@code sendout-workflow-sms-6-messages-late-status} and {@code
 *       batch-workflow-sms-one-call-per-message}: an SMS sendout (one delivery activity per
 *       message, batches of three), one message silent past its 72-hour deadline, then delivered.
 *   <li>{@code sendout-workflow-support-actions}: with the release deadline (version marker {@code
 *       release-deadline}): a 20-message sendout paused and resumed before its send time, its
 *       release failing past the deadline (flagged NOT_RELEASED) then succeeding, five recipients
 *       added, one message silent past its receipt deadline, a watchdog finding acknowledged, the
 *       silent message resent, and the sendout completed.
 * </ul>
 *
 * To record one, run the workflow in a {@code TestWorkflowExtension} and write {@code
 * client.fetchHistory(workflowId).toJson(true)} under {@code src/test/resources/histories}.
 */
class WorkflowReplayTest {

  @Test
  void sendoutWorkflowReplaysTheRecordedHistory() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/sendout-workflow-2500-messages.json", SendoutWorkflowImpl.class);
  }

  @Test
  void emailSendoutInSeveralBatchesReplaysTheRecordedHistory() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/sendout-workflow-email-2500-messages.json", SendoutWorkflowImpl.class);
  }

  @Test
  void batchWorkflowReplaysTheRecordedHistory() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/batch-workflow.json", BatchWorkflowImpl.class);
  }

  @Test
  void sendoutWorkflowTrackingReceiptsReplaysTheRecordedHistory() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/sendout-workflow-30-messages-late-receipt.json", SendoutWorkflowImpl.class);
  }

  @Test
  void sendoutWorkflowContinuingAsNewWithBatchesRunningReplaysBothRuns() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/sendout-workflow-continued-as-new-first-run.json", SendoutWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/sendout-workflow-continued-as-new-last-run.json", SendoutWorkflowImpl.class);
  }

  @Test
  void batchWorkflowFlaggedStuckThenSettledReplaysTheRecordedHistory() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/batch-workflow-stuck-then-settled.json", BatchWorkflowImpl.class);
  }

  @Test
  void sendoutWorkflowWithReleaseDeadlineAndSupportActionsReplaysTheRecordedHistory()
      throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/sendout-workflow-support-actions.json", SendoutWorkflowImpl.class);
  }

  @Test
  void smsSendoutAndItsOneCallPerMessageBatchReplayTheRecordedHistories() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/sendout-workflow-sms-6-messages-late-status.json", SendoutWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/batch-workflow-sms-one-call-per-message.json", BatchWorkflowImpl.class);
  }
}
