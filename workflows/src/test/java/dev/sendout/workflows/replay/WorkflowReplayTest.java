package dev.sendout.workflows.replay;

import dev.sendout.workflows.batch.BatchWorkflowImpl;
import dev.sendout.workflows.sendout.SendoutWorkflowImpl;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Replays the histories recorded at v0.2.0, the first version of the workflows meant to run in
 * production. From that tag on, every change to workflow code must keep replaying them: a change
 * that would break workflows already running (a new activity call, a reordered step, a timer added
 * or removed) fails here with a non-determinism error. Put such a change behind {@code
 * Workflow.getVersion}, keep these histories, and record new ones beside them for the new path.
 *
 * <p>The histories were recorded by {@code HistoryRecorder} (in {@code
 * dev.sendout.workflows.sendout} of this module's tests), with the test server and the fakes of
 * {@code SendoutWorkflowTest}:
 *
 * <ul>
 *   <li>{@code sendout-workflow-email-2500-messages}: a plain email sendout scheduled an hour
 *       ahead, 2,500 messages in batches of 1,000 with two in flight, every message delivered at
 *       once.
 *   <li>{@code sendout-workflow-30-messages-late-receipt} and {@code
 *       batch-workflow-stuck-then-settled}: a 30-message sendout in batches of 10, one message
 *       silent past its 24-hour receipt deadline (its batch flagged stuck), then delivered by a
 *       late receipt after 30 hours; the sendout and that batch.
 *   <li>{@code sendout-workflow-continued-as-new-first-run} and {@code -last-run}: 30 batches of
 *       one message, four sending at a time, continuing as new past 60 events: the run that
 *       continues (checkpoint, children left running) and the last run, which restores a checkpoint
 *       and completes.
 *   <li>{@code sendout-workflow-sms-6-messages-late-status} and {@code
 *       batch-workflow-sms-one-call-per-message}: an SMS sendout (one delivery activity per
 *       message, batches of three), one message silent past its 72-hour deadline, then delivered.
 *   <li>{@code sendout-workflow-support-actions}: a 20-message sendout paused and resumed before
 *       its send time, its release failing past the deadline (flagged NOT_RELEASED) then
 *       succeeding, five recipients added, one message silent past its receipt deadline, a watchdog
 *       finding acknowledged, the silent message resent, and the sendout completed.
 *   <li>{@code sendout-workflow-one-recipient-inline} (recorded after v0.2.0, for the new path): a
 *       one-recipient sendout that sends its batch inline, its message silent past the receipt
 *       deadline, then settled by a late receipt signalled to the sendout.
 *   <li>Recorded since, each for a new path: additions with local store calls, every stuck reason
 *       listed ({@code stuck-reasons}), a completed sendout reopened for a resend, a small
 *       sendout's release by a local activity ({@code local-small-release}), every change up to
 *       then asked as one version ({@code all-changes-of-0.3}), a one-recipient email sendout's
 *       send by a local activity ({@code local-small-send}).
 * </ul>
 *
 * <p>To record them again (only when starting a new baseline, never to make a failing replay pass
 * on code that already runs), from the repository root:
 *
 * <pre>
 * ./mvnw -B -pl workflows test -Dtest=HistoryRecorder -Dhistories.record=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>It overwrites the files under {@code workflows/src/test/resources/histories}. After v0.2.0,
 * record only a new scenario (a new test method there, a new replay here), by naming it: {@code
 * -Dtest='HistoryRecorder#theNewScenario'}; re-recording the existing histories would hide exactly
 * the incompatibility they are kept to catch.
 */
class WorkflowReplayTest {

  /**
   * Replays on a worker that allows a workflow task as long as a loaded machine needs: a replay
   * checks determinism, and the SDK's default of one second without yielding failed it as a
   * "potential deadlock" when CI's other processes held both cores.
   */
  private static void replay(String resource, Class<?> workflow) throws Exception {
    try (TestWorkflowEnvironment environment = TestWorkflowEnvironment.newInstance()) {
      Worker worker =
          environment.newWorker(
              "replay",
              WorkerOptions.newBuilder()
                  .setDefaultDeadlockDetectionTimeout(Duration.ofMinutes(1).toMillis())
                  .build());
      worker.registerWorkflowImplementationTypes(workflow);
      WorkflowReplayer.replayWorkflowExecutionFromResource(resource, worker);
    }
  }

  /**
   * Recorded with the version {@code quiet-hours}: an SMS sendout with a 09:00-20:00 window created
   * at 23:00 in New York, its Tokyo recipient released at once, the New York ones by a timer at
   * 09:00 there.
   */
  @Test
  void smsSendoutWaitingForItsDeliveryWindowReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-sms-quiet-hours.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code reminders}: two recipients, reminders at P3D and P7D, the
   * second skipped (HistoryRecorder#sendoutWithRemindersSendsAWaveAndSkipsOne).
   */
  @Test
  void sendoutWithRemindersReplays() throws Exception {
    replay("histories/sendout-workflow-reminders.json", SendoutWorkflowImpl.class);
  }

  @Test
  void emailSendoutInSeveralBatchesReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-email-2500-messages.json", SendoutWorkflowImpl.class);
  }

  @Test
  void sendoutWorkflowTrackingReceiptsReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-30-messages-late-receipt.json", SendoutWorkflowImpl.class);
  }

  @Test
  void sendoutWorkflowContinuingAsNewWithBatchesRunningReplaysBothRuns() throws Exception {
    replay("histories/sendout-workflow-continued-as-new-first-run.json", SendoutWorkflowImpl.class);
    replay("histories/sendout-workflow-continued-as-new-last-run.json", SendoutWorkflowImpl.class);
  }

  @Test
  void batchWorkflowFlaggedStuckThenSettledReplaysTheRecordedHistory() throws Exception {
    replay("histories/batch-workflow-stuck-then-settled.json", BatchWorkflowImpl.class);
  }

  @Test
  void sendoutWorkflowWithReleaseDeadlineAndSupportActionsReplaysTheRecordedHistory()
      throws Exception {
    replay("histories/sendout-workflow-support-actions.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded after v0.2.0, with the versions {@code inline-single-batch} and {@code
   * search-attributes-only-on-change}: a one-recipient sendout sending its batch inline.
   */
  @Test
  void oneRecipientSendoutSendingItsBatchInlineReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-one-recipient-inline.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the versions {@code local-store-calls} and {@code merge-added-ranges}: short
   * store calls as local activities, added one-recipient ranges sent as one batch.
   */
  @Test
  void sendoutWithLocalStoreCallsAndMergedAdditionsReplaysWithItsBatch() throws Exception {
    replay(
        "histories/sendout-workflow-additions-local-store-calls.json", SendoutWorkflowImpl.class);
    replay("histories/batch-workflow-local-store-calls.json", BatchWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code inline-later-batches}: rounds of added recipients sent inline,
   * one of them awaiting its receipt across a continue-as-new.
   */
  @Test
  void sendoutSendingAddedRoundsInlineReplaysBothRuns() throws Exception {
    replay("histories/sendout-workflow-inline-additions-first-run.json", SendoutWorkflowImpl.class);
    replay("histories/sendout-workflow-inline-additions-last-run.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code cancel-wait-timers}: rounds of additions released on one
   * deadline timer each, their waits' timers cancelled when the release or a receipt came first.
   */
  @Test
  void sendoutCancellingTheTimersOfWaitsThatEndedEarlyReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-cancel-wait-timers.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code acknowledge-every-reason}: acknowledged, flagged again for a
   * second reason, acknowledged again.
   */
  @Test
  void sendoutFlaggedAgainAfterItsAcknowledgementReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-acknowledge-every-reason.json", SendoutWorkflowImpl.class);
  }

  /** A run started again by the watchdog for a paused sendout, then resumed. */
  @Test
  void runStartedAgainPausedReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-restarted-paused.json", SendoutWorkflowImpl.class);
  }

  /** A resend that wakes the stuck batch whose message it sends again. */
  @Test
  void resendWakingTheStuckBatchReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-resend-wakes-stuck-batch.json", SendoutWorkflowImpl.class);
  }

  /** A run started again by the watchdog for a cancelled sendout: its batches settle, it ends. */
  @Test
  void runStartedAgainCancelledReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-restarted-cancelled.json", SendoutWorkflowImpl.class);
  }

  /** Recorded with the version {@code recheck-windows-after-cancelled-reminders}. */
  @Test
  void remindersCancelledWhileTheirWaveWaitsForItsWindowReplayTheRecordedHistory()
      throws Exception {
    replay(
        "histories/sendout-workflow-recheck-windows-after-cancelled-reminders.json",
        SendoutWorkflowImpl.class);
  }

  /** Recorded with the version {@code waiting-for-a-window-is-sending}. */
  @Test
  void recipientAddedToASentSendoutWaitingForItsWindowReplaysTheRecordedHistory() throws Exception {
    replay(
        "histories/sendout-workflow-waiting-for-a-window-is-sending.json",
        SendoutWorkflowImpl.class);
  }

  /** Recorded with the version {@code findings-before-send-time}. */
  @Test
  void findingsShownWhileWaitingForTheSendTimeReplayTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-findings-before-send-time.json", SendoutWorkflowImpl.class);
  }

  /** Recorded with the version {@code scheduled-until-a-window-opens}. */
  @Test
  void sendoutScheduledUntilAWindowOpensReplaysTheRecordedHistory() throws Exception {
    replay(
        "histories/sendout-workflow-scheduled-until-a-window-opens.json",
        SendoutWorkflowImpl.class);
  }

  /** The last run of the same continued as new while every window was closed. */
  @Test
  void sendoutScheduledUntilAWindowOpensWhenContinuedReplaysTheRecordedHistory() throws Exception {
    replay(
        "histories/sendout-workflow-scheduled-until-a-window-opens-continued.json",
        SendoutWorkflowImpl.class);
  }

  /** Recorded with the version {@code stuck-reasons}: two reasons listed, then cleared. */
  @Test
  void sendoutListingEveryStuckReasonReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-stuck-reasons.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code local-small-release}: a one-recipient sendout released by a
   * local activity in its first workflow task, and one whose local release failed and was retried
   * as an activity.
   */
  @Test
  void oneRecipientSendoutsReleasedLocallyOrAfterAFailureReplayTheRecordedHistories()
      throws Exception {
    replay("histories/sendout-workflow-local-small-release.json", SendoutWorkflowImpl.class);
    replay("histories/sendout-workflow-local-small-release-fails.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code all-changes-of-0.3}, which stands for every change before it
   * with one marker: a one-recipient sendout, and a sendout of three child batches with its first.
   */
  @Test
  void sendoutsAskingAllChangesOf03AsOneVersionReplayTheRecordedHistories() throws Exception {
    replay("histories/sendout-workflow-all-changes-of-0.3.json", SendoutWorkflowImpl.class);
    replay("histories/sendout-workflow-all-changes-of-0.3-batches.json", SendoutWorkflowImpl.class);
    replay("histories/batch-workflow-all-changes-of-0.3.json", BatchWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code local-small-send}: a one-recipient email sendout sent by a
   * local activity in its first workflow task, and one whose local send failed and was retried as
   * the delivery activity.
   */
  @Test
  void oneRecipientSendoutsSentLocallyOrAfterAFailureReplayTheRecordedHistories() throws Exception {
    replay("histories/sendout-workflow-local-small-send.json", SendoutWorkflowImpl.class);
    replay("histories/sendout-workflow-local-small-send-fails.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code rounds-in-task}: rounds of added recipients released and sent
   * in the workflow task of their hand-off, one whose release failed there and one whose send did.
   */
  @Test
  void roundsSentInTheTaskOfTheirHandOffReplayTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-rounds-in-task.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code lean-rounds}: rounds that keep the sendout SENT and await
   * their receipts' signal without a check, one whose release failed in the task and one whose send
   * did (recorded SENDING at rest).
   */
  @Test
  void leanRoundsReplayTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-lean-rounds.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code receipt-checks-in-a-burst}: a batch reported in four webhook
   * calls moments apart, three checked at once and the fourth after the pace's wait.
   */
  @Test
  void batchCheckingItsReceiptsInABurstReplaysTheRecordedHistory() throws Exception {
    replay("histories/batch-workflow-receipt-burst.json", BatchWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code drop-stopped-wave}: the reminders cancelled while the store
   * call that makes the first wave ran, and that wave dropped.
   */
  @Test
  void aWaveDroppedAfterTheRemindersWereCancelledReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-dropped-wave.json", SendoutWorkflowImpl.class);
  }

  /** A completed sendout's workflow started again by update-with-start for a resend. */
  @Test
  void completedSendoutReopenedForAResendReplaysTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-reopened-for-resend.json", SendoutWorkflowImpl.class);
  }

  @Test
  void smsSendoutAndItsOneCallPerMessageBatchReplayTheRecordedHistories() throws Exception {
    replay("histories/sendout-workflow-sms-6-messages-late-status.json", SendoutWorkflowImpl.class);
    replay("histories/batch-workflow-sms-one-call-per-message.json", BatchWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code one-support-action-at-a-time}: a pause, a second refused and a
   * resume that waited its turn.
   */
  @Test
  void supportActionsTakingTurnsReplayTheRecordedHistory() throws Exception {
    replay("histories/sendout-workflow-actions-one-at-a-time.json", SendoutWorkflowImpl.class);
  }

  /**
   * Recorded with the version {@code one-receipt-wait-for-inline-batches}: rounds of additions
   * awaiting their receipts in one wait, one of them stuck past its deadline across a
   * continue-as-new and settled by a late receipt.
   */
  @Test
  void roundsAwaitingTheirReceiptsInOneWaitReplayBothRuns() throws Exception {
    replay("histories/sendout-workflow-one-receipt-wait-first-run.json", SendoutWorkflowImpl.class);
    replay("histories/sendout-workflow-one-receipt-wait-last-run.json", SendoutWorkflowImpl.class);
  }
}
