package dev.sendout.workflows.sendout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.workflows.batch.BatchWorkflow;
import dev.sendout.workflows.batch.SendBatch;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records the histories that {@code WorkflowReplayTest} replays, one test per scenario, with the
 * test server and the fakes of {@link SendoutWorkflowTest}. It runs only when asked to, because its
 * output is checked in and must not change on every build:
 *
 * <pre>
 * ./mvnw -B -pl workflows test -Dtest=HistoryRecorder -Dhistories.record=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>It overwrites {@code src/test/resources/histories/*.json} (or the folder named by {@code
 * -Dhistories.dir}). Each scenario uses a fixed sendout id, so that a re-recording differs from the
 * last only where the workflows' behaviour, or the server's timing, differs. The histories in the
 * repository were recorded at v0.2.0 and must keep replaying: to add a scenario, record it alone
 * with {@code -Dtest='HistoryRecorder#theNewScenario'} rather than all of them again.
 */
@EnabledIfSystemProperty(named = "histories.record", matches = "true")
class HistoryRecorder {

  private static final String DELIVERY_QUEUE = "test-email";
  private static final Duration EMAIL_RECEIPT_TIMEOUT = Duration.ofHours(24);
  private static final Duration SMS_RECEIPT_TIMEOUT = Duration.ofHours(72);
  private static final Duration RELEASE_GRACE = Duration.ofMinutes(10);

  @RegisterExtension
  static final TestWorkflowExtension temporal = SendoutWorkflowTest.newTemporalExtension();

  private final Path folder =
      Path.of(System.getProperty("histories.dir", "src/test/resources/histories"));
  private FakeActivities.Store store;
  private final FakeActivities.Provider delivery = new FakeActivities.Provider();

  @Test
  void emailSendoutOf2500MessagesInBatchesOf1000(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 2500);
    StartSendout start =
        sendout(
            "replay-email-2500", now(env).plus(Duration.ofHours(1)), 2500, email(1000, 2, 2000));

    stub(client, options, start).run(start);

    write(client, start, "sendout-workflow-email-2500-messages");
  }

  @Test
  void lateReceiptFlagsABatchStuckThenSettlesIt(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 30);
    delivery.silent.add(13);
    StartSendout start = sendout("replay-late-receipt", now(env), 30, email(10, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofHours(30));

    delivery.deliver(13);
    batch(client, start, 1).receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    write(client, start, "sendout-workflow-30-messages-late-receipt");
    writeBatch(client, start, 1, "batch-workflow-stuck-then-settled");
  }

  @Test
  void sendoutContinuesAsNewWhileItsBatchesRun(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 30);
    StartSendout start = sendout("replay-continued", now(env), 30, email(1, 4, 60));
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    var first = client.fetchHistory(firstRun.getWorkflowId(), firstRun.getRunId());
    assertThat(first.getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes()).isTrue();
    write(first.toJson(true), "sendout-workflow-continued-as-new-first-run");
    write(client, start, "sendout-workflow-continued-as-new-last-run");
  }

  @Test
  void smsSendoutWithOneCallPerMessageAndALateStatus(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 6);
    delivery.silent.add(4);
    SendoutSettings sms =
        new SendoutSettings(3, 2, DELIVERY_QUEUE, 2000, SMS_RECEIPT_TIMEOUT, 1, RELEASE_GRACE);
    StartSendout start = new StartSendout("replay-sms", "t1", Channel.SMS, 6, now(env), sms, null);
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofHours(80));

    delivery.deliver(4);
    batch(client, start, 1).receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    write(client, start, "sendout-workflow-sms-6-messages-late-status");
    writeBatch(client, start, 1, "batch-workflow-sms-one-call-per-message");
  }

  /**
   * A one-recipient email sendout, which sends its one batch inline (no child workflow) and shows
   * only changed search attributes; its message silent past the receipt deadline, then delivered,
   * the receipt reaching the sendout workflow itself.
   */
  @Test
  void oneRecipientSendoutSendsInlineAndSettlesALateReceipt(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 1);
    delivery.silent.add(0);
    StartSendout start = sendout("replay-one-recipient", now(env), 1, email(1000, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(EMAIL_RECEIPT_TIMEOUT.plusHours(1));
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);

    delivery.deliver(0);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    write(client, start, "sendout-workflow-one-recipient-inline");
  }

  /**
   * Recorded with the version {@code local-small-release}: a one-recipient sendout released in its
   * first workflow task by a local activity, its receipt signalled a moment after the send; and a
   * second whose local release fails, so that it is released by the activity after all.
   */
  @Test
  void oneRecipientSendoutsReleasedByALocalActivityOrAfterItFails(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 1);
    recordReceiptSignalledAfterTheSend(
        env, client, options, "replay-local-release", "sendout-workflow-local-small-release");

    store.releaseFails = true;
    StartSendout failing = sendout("replay-local-release-fails", now(env), 1, email(1000, 2, 2000));
    SendoutWorkflow second = stub(client, options, failing);
    WorkflowClient.start(second::run, failing);
    env.sleep(Duration.ofSeconds(30));
    store.releaseFails = false;
    WorkflowStub.fromTyped(second).getResult(SendTally.class);
    assertThat(store.releases.get()).isGreaterThanOrEqualTo(4);
    write(client, failing, "sendout-workflow-local-small-release-fails");
  }

  /**
   * Recorded with the version {@code all-changes-of-0.3}, which stands for every change before it:
   * a one-recipient sendout, and a sendout of three batches sent by child workflows, with the first
   * batch's history.
   */
  @Test
  void sendoutsWithAllChangesOf03AsOneVersion(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 1);
    StartSendout one = sendout("replay-all-of-0.3", now(env), 1, email(1000, 2, 2000));
    stub(client, options, one).run(one);
    write(client, one, "sendout-workflow-all-changes-of-0.3");

    store.messageCount = 3;
    StartSendout three = sendout("replay-all-of-0.3-batches", now(env), 3, email(1, 2, 2000));
    stub(client, options, three).run(three);
    write(client, three, "sendout-workflow-all-changes-of-0.3-batches");
    writeBatch(client, three, 0, "batch-workflow-all-changes-of-0.3");
  }

  /**
   * Recorded with the version {@code local-small-send}: a one-recipient email sendout sent by a
   * local activity in its first workflow task, its receipt signalled a moment after; and a second
   * whose local send fails (the provider answers 5xx), so that the delivery activity sends it.
   */
  @Test
  void oneRecipientSendoutsSentByALocalActivityOrAfterItFails(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 1);
    recordReceiptSignalledAfterTheSend(
        env, client, options, "replay-local-send", "sendout-workflow-local-small-send");

    delivery.sendsToFail.set(1);
    StartSendout failing = sendout("replay-local-send-fails", now(env), 1, email(1000, 2, 2000));
    SendoutWorkflow second = stub(client, options, failing);
    WorkflowClient.start(second::run, failing);
    WorkflowStub.fromTyped(second).getResult(SendTally.class);
    assertThat(delivery.sendsToFail).hasValue(0);
    assertThat(delivery.batches).hasSize(2);
    write(client, failing, "sendout-workflow-local-small-send-fails");
  }

  /**
   * Recorded after the versions {@code local-store-calls} and {@code merge-added-ranges}: a
   * one-recipient sendout whose short store calls are local activities, recipients added to it by
   * the relay's signal in one-recipient ranges, which make one batch, and that batch's own history.
   */
  @Test
  void addedRangesSentAsOneBatchWithLocalStoreCalls(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    StartSendout start = sendout("replay-additions", now(env), 1, email(1000, 2, 2000));
    SendoutWorkflow workflow = startedOpen(env, worker, client, options, start);

    store.messageCount = 6;
    workflow.recipientsAdded(
        new AddedRanges(
            List.of(new SeqRange(1, 2), new SeqRange(2, 3), new SeqRange(3, 4)), false));
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(1, 6)), false));
    env.sleep(Duration.ofMinutes(1));
    delivery.deliver(0);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    write(client, start, "sendout-workflow-additions-local-store-calls");
    writeBatch(client, start, 1, "batch-workflow-local-store-calls");
  }

  /**
   * Every support action and deadline in one sendout: paused and resumed before its send time, its
   * release failing past the deadline, recipients added, a message silent past its receipt
   * deadline, a watchdog finding acknowledged, the silent message resent.
   */
  @Test
  void supportActionsOnOneSendout(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 20);
    delivery.silent.add(12);
    StartSendout start =
        sendout("replay-support", now(env).plus(Duration.ofHours(1)), 20, email(10, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);

    workflow.pause(new SupportAction("ann", "the customer asked"));
    workflow.resume(new SupportAction("ann", null));
    store.releaseFails = true;
    env.sleep(Duration.ofHours(1).plus(RELEASE_GRACE).plusMinutes(5));
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.NOT_RELEASED);
    store.releaseFails = false;
    env.sleep(Duration.ofMinutes(2));
    store.messageCount = 25;
    // Recorded with the addRecipients Update, refused by its validator since (a replay does not
    // ask validators); recorded again, this would be the API's signal.
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(20, 25)), false));
    env.sleep(EMAIL_RECEIPT_TIMEOUT.plusHours(1));
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);

    Instant since = now(env);
    var finding = new WatchdogFindings.Finding(StuckReason.NOT_RELEASED, since, 1, "1 queued");
    workflow.watchdogFindings(new WatchdogFindings(List.of(finding)));
    env.sleep(Duration.ofSeconds(1));
    workflow.acknowledge(new SupportAction("bob", "carrier outage"));
    workflow.watchdogFindings(new WatchdogFindings(List.of()));
    env.sleep(Duration.ofSeconds(1));
    store.resendable = List.of(new SeqRange(12, 13));
    delivery.silent.clear();
    workflow.resend(new SupportAction("bob", "carrier outage is over"));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    write(client, start, "sendout-workflow-support-actions");
  }

  /**
   * Recorded with the version {@code one-support-action-at-a-time}: a slow pause, a second pause
   * refused meanwhile and a resume that waits its turn, then the sendout sent.
   */
  @Test
  void supportActionsTakeTurns(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws Exception {
    startWorkers(env, worker, 20);
    StartSendout start =
        sendout("replay-one-at-a-time", now(env).plus(Duration.ofHours(1)), 20, email(10, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    store.slowAction = SupportActionType.PAUSE;

    var pause =
        WorkflowStub.fromTyped(workflow)
            .startUpdate(
                "pause",
                WorkflowUpdateStage.ACCEPTED,
                Integer.class,
                new SupportAction("ann", null));
    assertThatThrownBy(() -> workflow.pause(new SupportAction("bob", null)))
        .isInstanceOf(WorkflowUpdateException.class);
    workflow.resume(new SupportAction("cy", null));
    pause.getResult();
    store.slowAction = null;
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    write(client, start, "sendout-workflow-actions-one-at-a-time");
  }

  /**
   * Recorded with the version {@code wake-stuck-batches-on-resend}: a batch stuck for a day, its
   * silent message resent; the resend wakes the batch, which settles, and the sendout completes.
   */
  @Test
  void resendWakesTheStuckBatch(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 20);
    delivery.silent.add(12);
    StartSendout start = sendout("replay-resend-wakes", now(env), 20, email(10, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(EMAIL_RECEIPT_TIMEOUT.plusHours(6).plusMinutes(30));
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);

    store.resendable = List.of(new SeqRange(12, 13));
    delivery.silent.clear();
    workflow.resend(new SupportAction("bob", "carrier outage is over"));
    for (int i = 0; i < 12 && workflow.progress().status() != SendoutStatus.COMPLETED; i++) {
      env.sleep(Duration.ofSeconds(5));
    }

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    write(client, start, "sendout-workflow-resend-wakes-stuck-batch");
  }

  /**
   * Recorded with the version {@code stuck-reasons}: a sendout flagged for two reasons at once,
   * listed in {@code StuckReasons}, one of them cleared, acknowledged, then mended.
   */
  @Test
  void twoStuckReasonsListedThenCleared(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 3);
    delivery.silent.add(1);
    StartSendout start = sendout("replay-stuck-reasons", now(env), 3, email(10, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofMinutes(1));

    Instant since = now(env);
    var queued = new WatchdogFindings.Finding(StuckReason.NOT_RELEASED, since, 1, "1 queued");
    var late = new WatchdogFindings.Finding(StuckReason.RECEIPT_LATE, since, 1, "1 late");
    workflow.watchdogFindings(new WatchdogFindings(List.of(late, queued)));
    env.sleep(Duration.ofSeconds(1));
    workflow.watchdogFindings(new WatchdogFindings(List.of(late)));
    env.sleep(Duration.ofSeconds(1));
    workflow.acknowledge(new SupportAction("ann", "carrier is slow"));
    delivery.deliver(1);
    workflow.watchdogFindings(new WatchdogFindings(List.of()));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    write(client, start, "sendout-workflow-stuck-reasons");
  }

  /**
   * Recorded with the version {@code acknowledge-every-reason}: a sendout flagged, acknowledged,
   * flagged again for a second reason (which the acknowledgement did not cover), acknowledged
   * again, then mended.
   */
  @Test
  void aReasonAfterTheAcknowledgementFlagsTheSendoutAgain(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 3);
    delivery.silent.add(1);
    StartSendout start =
        sendout("replay-acknowledge-every-reason", now(env), 3, email(10, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofMinutes(1));

    Instant since = now(env);
    var queued = new WatchdogFindings.Finding(StuckReason.NOT_RELEASED, since, 1, "1 queued");
    var late = new WatchdogFindings.Finding(StuckReason.RECEIPT_LATE, since, 1, "1 late");
    workflow.watchdogFindings(new WatchdogFindings(List.of(queued)));
    env.sleep(Duration.ofSeconds(1));
    workflow.acknowledge(new SupportAction("ann", "known"));
    workflow.watchdogFindings(new WatchdogFindings(List.of(queued, late)));
    env.sleep(Duration.ofSeconds(1));
    assertThat(workflow.progress().acknowledged()).as("flagged again").isNull();
    workflow.acknowledge(new SupportAction("ann", "carrier is slow"));
    delivery.deliver(1);
    workflow.watchdogFindings(new WatchdogFindings(List.of()));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    write(client, start, "sendout-workflow-acknowledge-every-reason");
  }

  /**
   * A completed sendout's workflow started again by update-with-start for a resend: the run begins
   * from a checkpoint of a sendout whose every batch settled, sends the resent batch, completes.
   */
  @Test
  void completedSendoutReopenedForAResend(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 3);
    StartSendout start =
        new StartSendout(
            "replay-reopened",
            "t1",
            Channel.EMAIL,
            3,
            now(env),
            email(10, 2, 2000),
            SendoutCheckpoint.completed(3, 10));
    store.resendable = List.of(new SeqRange(1, 3));
    SendoutWorkflow workflow =
        client.newWorkflowStub(
            SendoutWorkflow.class,
            options.toBuilder()
                .setWorkflowId(SendoutWorkflow.workflowId(start.sendoutId()))
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());

    int resent =
        WorkflowClient.startUpdateWithStart(
                workflow::resend,
                new SupportAction("ann", "the cause is fixed"),
                UpdateOptions.<Integer>newBuilder()
                    .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                    .build(),
                new WithStartWorkflowOperation<>(workflow::run, start))
            .getResult();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(resent).isEqualTo(2);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    write(client, start, "sendout-workflow-reopened-for-resend");
  }

  /**
   * Recorded after the version {@code quiet-hours}: an SMS sendout with a 09:00-20:00 window
   * created at 23:00 in New York, its recipient in Tokyo released at once, those in New York
   * waiting on a timer until 09:00 there.
   */
  @Test
  void smsSendoutWaitsForItsDeliveryWindow(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    StartSendout start =
        smsAtElevenPmInNewYork(
            env, worker, "replay-quiet-hours", List.of(NEW_YORK, TOKYO, NEW_YORK));

    stub(client, options, start).run(start);

    write(client, start, "sendout-workflow-sms-quiet-hours");
  }

  /**
   * A run the watchdog starts again for a sendout the store has paused: it waits for its resume.
   */
  @Test
  void runStartedAgainPaused(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 3);
    StartSendout paused =
        sendout("replay-restarted-paused", now(env), 3, email(10, 2, 2000)).startingAs(true, false);
    SendoutWorkflow workflow = stub(client, options, paused);
    WorkflowClient.start(workflow::run, paused);
    env.sleep(Duration.ofMinutes(1));
    assertThat(workflow.progress().paused()).isTrue();
    workflow.resume(new SupportAction("ann", null));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    write(client, paused, "sendout-workflow-restarted-paused");
  }

  /**
   * Recorded with the version {@code start-batches-a-cancel-kept}: a run the watchdog starts again
   * for a cancelled sendout starts its two batches, which await their receipts, and ends.
   */
  @Test
  void runStartedAgainCancelled(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 3);
    StartSendout cancelled =
        sendout("replay-restarted-cancelled", now(env), 3, email(2, 2, 2000))
            .startingAs(false, true);
    stub(client, options, cancelled).run(cancelled);
    write(client, cancelled, "sendout-workflow-restarted-cancelled");
  }

  /**
   * Recorded with the version {@code recheck-windows-after-cancelled-reminders}: an SMS sendout
   * sent at 19:00 in Tokyo makes its reminder wave at 20:00, which waits for 09:00; the reminders
   * are cancelled, and the sendout completes at once.
   */
  @Test
  void remindersCancelledWhileTheirWaveWaitsForItsWindow(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 1);
    FakeWindows windows = new FakeWindows(List.of(TOKYO, TOKYO), env::currentTimeMillis);
    windows.stored = 1;
    store.inWindows = windows::release;
    store.reminderAfters = List.of(Duration.ofHours(1));
    delivery.clock = env::currentTimeMillis;
    store.onWave = range -> windows.stored = 2;
    Instant sevenPm =
        now(env).atZone(TOKYO).toLocalDate().plusDays(1).atTime(19, 0).atZone(TOKYO).toInstant();
    SendoutSettings sms =
        new SendoutSettings(100, 2, DELIVERY_QUEUE, 2000, SMS_RECEIPT_TIMEOUT, 1, RELEASE_GRACE);
    StartSendout start =
        new StartSendout(
            "replay-recheck-windows-after-cancelled-reminders",
            "t1",
            Channel.SMS,
            1,
            sevenPm,
            sms,
            null,
            true,
            1,
            null);
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.between(now(env), sevenPm).plusMinutes(65));
    windows.stored = 1;
    workflow.cancelReminders(new SupportAction("ann", "enough"));
    env.sleep(Duration.ofSeconds(5));
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    write(client, start, "sendout-workflow-recheck-windows-after-cancelled-reminders");
  }

  /**
   * Recorded with the version {@code waiting-for-a-window-is-sending}: an SMS sendout sent at 10:00
   * in New York, SENT awaiting a receipt, takes a recipient in Tokyo (midnight there), is SENDING
   * until 09:00 Tokyo time, then sends it and completes.
   */
  @Test
  void recipientAddedToASentSendoutWaitsForItsWindowSending(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 2);
    FakeWindows windows = new FakeWindows(List.of(NEW_YORK, TOKYO), env::currentTimeMillis);
    windows.stored = 1;
    store.inWindows = windows::release;
    delivery.silent.add(0);
    Instant tenAm =
        now(env)
            .atZone(NEW_YORK)
            .toLocalDate()
            .plusDays(1)
            .atTime(10, 0)
            .atZone(NEW_YORK)
            .toInstant();
    SendoutSettings sms =
        new SendoutSettings(100, 2, DELIVERY_QUEUE, 2000, SMS_RECEIPT_TIMEOUT, 1, RELEASE_GRACE);
    StartSendout start =
        new StartSendout(
            "replay-waiting-for-a-window-is-sending", "t1", Channel.SMS, 1, tenAm, sms, null, true);
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.between(now(env), tenAm).plusMinutes(2));
    windows.stored = 2;
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(1, 2)), false));
    env.sleep(Duration.ofSeconds(5));
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SENDING);
    delivery.deliver(0);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    write(client, start, "sendout-workflow-waiting-for-a-window-is-sending");
  }

  /**
   * Recorded with the version {@code findings-before-send-time}: a sendout due in a day is flagged
   * by the watchdog, then the flag clears, while it waits for its send time; then it is sent.
   */
  @Test
  void findingsShownWhileWaitingForTheSendTime(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 3);
    StartSendout start =
        sendout(
            "replay-findings-before-send-time",
            now(env).plus(Duration.ofDays(1)),
            3,
            email(10, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofMinutes(1));
    workflow.watchdogFindings(
        new WatchdogFindings(
            List.of(
                new WatchdogFindings.Finding(
                    StuckReason.ORPHAN_WORKFLOW, now(env), 0, "the sendout's row is gone"))));
    env.sleep(Duration.ofMinutes(1));
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.ORPHAN_WORKFLOW);
    workflow.watchdogFindings(new WatchdogFindings(List.of()));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    write(client, start, "sendout-workflow-findings-before-send-time");
  }

  /**
   * Recorded with the version {@code scheduled-until-a-window-opens}: an SMS sendout due at 23:00
   * in New York for recipients all there, released with every window closed, SCHEDULED until 09:00.
   */
  @Test
  void smsSendoutWithEveryWindowClosedStaysScheduled(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    StartSendout start =
        smsAtElevenPmInNewYork(
            env, worker, "replay-scheduled-until-window", List.of(NEW_YORK, NEW_YORK));

    stub(client, options, start).run(start);

    write(client, start, "sendout-workflow-scheduled-until-a-window-opens");
  }

  /**
   * The same continued as new overnight: the run continued while it waits, which asks {@code
   * scheduled-until-a-window-opens} at its start, SCHEDULED until 09:00.
   */
  @Test
  void smsSendoutWithEveryWindowClosedStaysScheduledWhenContinued(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    StartSendout start =
        smsAtElevenPmInNewYork(
            env, worker, "replay-scheduled-until-window-continued", List.of(NEW_YORK), 25);
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.between(now(env), start.sendAt()).plusMinutes(5));
    for (int i = 0; i < 12; i++) {
      workflow.watchdogFindings(new WatchdogFindings(List.of()));
      env.sleep(Duration.ofSeconds(5));
    }
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SCHEDULED);
    // The continued run as it waits for 09:00 (a later one may follow when the window opens).
    write(client, start, "sendout-workflow-scheduled-until-a-window-opens-continued");
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
  }

  /**
   * Recorded after the version {@code reminders}: two recipients, reminders at P3D and P7D, the
   * second skipped by support staff, the first sent as a wave of its own; the sendout completes
   * once that wave has settled.
   */
  @Test
  void sendoutWithRemindersSendsAWaveAndSkipsOne(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    StartSendout start = withTwoReminders(env, worker, "replay-reminders");
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofDays(4));
    workflow.skipNextReminder(new SupportAction("ann", "one reminder is enough"));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.remindersByInvitation()).isEqualTo(Map.of(0, List.of(0), 1, List.of(0)));
    write(client, start, "sendout-workflow-reminders");
  }

  /**
   * Recorded after the version {@code drop-stopped-wave}: support staff cancel the reminders while
   * the store call that makes the first wave runs; the workflow drops that wave and completes.
   */
  @Test
  void aWaveMadeWhileTheRemindersWereCancelledIsDropped(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    StartSendout start = withTwoReminders(env, worker, "replay-dropped-wave");
    store.cancelRemindersDuringTheFirstWave(client, start);
    SendoutWorkflow workflow = stub(client, options, start);

    workflow.run(start);

    assertThat(store.dropped).hasSize(1);
    write(client, start, "sendout-workflow-dropped-wave");
  }

  /** Two email recipients, reminders at P3D and P7D, the survey closing in 30 days. */
  private StartSendout withTwoReminders(TestWorkflowEnvironment env, Worker worker, String id) {
    startWorkers(env, worker, 2);
    store.reminderAfters = List.of(Duration.ofDays(3), Duration.ofDays(7));
    store.provider = delivery;
    delivery.clock = env::currentTimeMillis;
    return new StartSendout(
        id,
        "t1",
        Channel.EMAIL,
        2,
        now(env).plusSeconds(60),
        email(100, 2, 2000),
        null,
        false,
        2,
        now(env).plus(Duration.ofDays(30)));
  }

  /**
   * Recorded after the version {@code inline-later-batches}: rounds of added recipients sent inline
   * by the sendout, one of them silent across a continue-as-new, then settled by a late receipt.
   */
  @Test
  void addedRoundsSentInlineAcrossAContinueAsNew(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 1);
    delivery.silent.addAll(List.of(0, 2));
    StartSendout start = sendout("replay-inline-additions", now(env), 1, email(1000, 2, 80));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofSeconds(30));

    store.messageCount = 4;
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(1, 2)), false));
    env.sleep(Duration.ofMinutes(1));
    workflow.recipientsAdded(
        new AddedRanges(List.of(new SeqRange(2, 3), new SeqRange(3, 4)), false));
    env.sleep(EMAIL_RECEIPT_TIMEOUT.plusDays(2));
    delivery.deliver(0);
    delivery.deliver(2);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    var first = client.fetchHistory(firstRun.getWorkflowId(), firstRun.getRunId());
    assertThat(first.getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes()).isTrue();
    assertThatThrownBy(() -> WorkflowStub.fromTyped(batch(client, start, 1)).describe())
        .isInstanceOf(WorkflowNotFoundException.class);
    write(first.toJson(true), "sendout-workflow-inline-additions-first-run");
    write(client, start, "sendout-workflow-inline-additions-last-run");
  }

  /**
   * Version {@code cancel-wait-timers}: a sendout kept open by a silent recipient takes two rounds
   * of additions, each released on one deadline timer and awaiting its receipt inline; the signals
   * that end those waits early cancel their timers. Replayed by {@code WorkflowReplayTest}.
   */
  @Test
  void additionsCancelTheTimersOfWaitsThatEndedEarly(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 1);
    delivery.silent.addAll(List.of(0, 1, 2));
    StartSendout start = sendout("replay-cancel-wait-timers", now(env), 1, email(1000, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofSeconds(30));

    store.messageCount = 3;
    for (int seq = 1; seq < 3; seq++) {
      workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(seq, seq + 1)), false));
      env.sleep(Duration.ofSeconds(2));
      delivery.deliver(seq);
      workflow.receiptsArrived();
      env.sleep(Duration.ofMinutes(1));
    }
    env.sleep(RELEASE_GRACE.plusMinutes(5));
    delivery.deliver(0);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    var history = client.fetchHistory(SendoutWorkflow.workflowId(start.sendoutId()));
    assertThat(history.getEvents()).anyMatch(e -> e.hasTimerCanceledEventAttributes());
    write(client, start, "sendout-workflow-cancel-wait-timers");
  }

  /**
   * Recorded with the version {@code rounds-in-task}: a sendout kept open by a silent recipient
   * takes three rounds of additions: the first released and sent in the workflow task of its
   * hand-off, the second's release failing there (the Release activity releases it), the third's
   * send failing there (the delivery activity sends it).
   */
  @Test
  void roundsReleasedAndSentInTheTaskOfTheirHandOff(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    recordThreeRounds(
        env,
        worker,
        client,
        options,
        "replay-rounds-in-task",
        false,
        "sendout-workflow-rounds-in-task");
  }

  /**
   * Recorded with the version {@code lean-rounds}: as {@link
   * #roundsReleasedAndSentInTheTaskOfTheirHandOff}, with each round's receipt signalled a moment
   * after its send, as the API signals it: the first round kept SENT and awaiting that signal
   * without a check; the second's release failing there; the third's send failing there, so that
   * the sendout is recorded SENDING at rest until the delivery activity has sent it.
   */
  @Test
  void leanRoundsAwaitTheirReceiptsSignalAndKeepTheSendoutSent(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    recordThreeRounds(
        env, worker, client, options, "replay-lean-rounds", true, "sendout-workflow-lean-rounds");
    assertThat(store.markSendings).hasValue(1);
  }

  /**
   * Recorded with the version {@code receipt-checks-in-a-burst}: a batch reported in four webhook
   * calls half a second apart checks its receipts at the first three at once (the burst), and at
   * the fourth after the pace's wait.
   */
  @Test
  void batchReportedInWebhookCallsMomentsApartChecksInABurst(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 20);
    delivery.silent.addAll(IntStream.range(10, 20).boxed().toList());
    StartSendout start = sendout("replay-receipt-burst", now(env), 20, email(10, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofSeconds(1));

    for (int[] call : new int[][] {{10, 12}, {12, 14}, {14, 16}, {16, 20}}) {
      IntStream.range(call[0], call[1]).forEach(delivery::deliver);
      batch(client, start, 1).receiptsArrived();
      env.sleep(Duration.ofMillis(500));
    }
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    writeBatch(client, start, 1, "batch-workflow-receipt-burst");
  }

  /**
   * Recorded with the version {@code one-receipt-wait-for-inline-batches}: a sendout kept open by a
   * silent recipient takes four rounds of additions that await their receipts in one wait: two
   * delivered on one signal, one found by the backstop check after its signal was lost, one silent
   * past its receipt deadline (stuck), whose late receipt settles it after the sendout continued as
   * new.
   */
  @Test
  void roundsAwaitTheirReceiptsInOneWait(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws IOException {
    startWorkers(env, worker, 1);
    delivery.silent.addAll(List.of(0, 1, 2, 3, 4));
    StartSendout start = sendout("replay-one-receipt-wait", now(env), 1, email(1000, 2, 80));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofMinutes(1));

    store.messageCount = 5;
    for (int seq = 1; seq < 5; seq++) {
      workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(seq, seq + 1)), false));
      env.sleep(Duration.ofSeconds(2));
    }
    delivery.deliver(1);
    delivery.deliver(2);
    workflow.receiptsArrived();
    env.sleep(Duration.ofMinutes(1));
    delivery.deliver(3); // its signal is lost
    env.sleep(EMAIL_RECEIPT_TIMEOUT.plusDays(2));
    delivery.deliver(0);
    delivery.deliver(4);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    var first = client.fetchHistory(firstRun.getWorkflowId(), firstRun.getRunId());
    assertThat(first.getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes()).isTrue();
    assertThat(delivery.checkEachCalls).hasPositiveValue();
    write(first.toJson(true), "sendout-workflow-one-receipt-wait-first-run");
    write(client, start, "sendout-workflow-one-receipt-wait-last-run");
  }

  /**
   * A sendout kept open by a silent recipient takes three rounds of one added recipient each: the
   * first sent as it comes, the second's release failing in the workflow task, the third's send.
   *
   * @param receiptsSignalled whether each round's receipt is signalled a moment after its send
   */
  private void recordThreeRounds(
      TestWorkflowEnvironment env,
      Worker worker,
      WorkflowClient client,
      WorkflowOptions options,
      String sendoutId,
      boolean receiptsSignalled,
      String name)
      throws IOException {
    StartSendout start = sendout(sendoutId, now(env), 1, email(1000, 2, 2000));
    SendoutWorkflow workflow = startedOpen(env, worker, client, options, start);

    store.messageCount = 4;
    for (int seq = 1; seq < 4; seq++) {
      store.releasesToFail.set(seq == 2 ? 1 : 0);
      delivery.sendsToFail.set(seq == 3 ? 1 : 0);
      workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(seq, seq + 1)), false));
      if (receiptsSignalled) {
        env.sleep(Duration.ofSeconds(5));
        workflow.receiptsArrived();
      }
      env.sleep(Duration.ofMinutes(1));
    }
    delivery.deliver(0);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.releasesToFail).hasValue(0);
    assertThat(delivery.sendsToFail).hasValue(0);
    assertThat(delivery.batches).extracting(SendBatch::fromSeq).containsExactly(0, 1, 2, 3);
    write(client, start, name);
  }

  /**
   * Records a one-recipient email sendout whose receipt is not in at the check after the send and
   * is signalled a moment later, as on a real engine.
   */
  private void recordReceiptSignalledAfterTheSend(
      TestWorkflowEnvironment env,
      WorkflowClient client,
      WorkflowOptions options,
      String sendoutId,
      String name)
      throws IOException {
    delivery.silent.add(0);
    StartSendout start = sendout(sendoutId, now(env), 1, email(1000, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofSeconds(1));
    delivery.deliver(0);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    write(client, start, name);
    delivery.silent.clear();
  }

  /**
   * Starts the workers and a one-recipient sendout kept open by its silent recipient, a minute on:
   * what rounds of additions are then handed to.
   */
  private SendoutWorkflow startedOpen(
      TestWorkflowEnvironment env,
      Worker worker,
      WorkflowClient client,
      WorkflowOptions options,
      StartSendout start) {
    startWorkers(env, worker, 1);
    delivery.silent.add(0);
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofMinutes(1));
    return workflow;
  }

  private void startWorkers(TestWorkflowEnvironment env, Worker worker, int messageCount) {
    store = new FakeActivities.Store(env::currentTimeMillis, messageCount);
    store.provider = delivery;
    worker.registerActivitiesImplementations(store, delivery);
    env.newWorker(DELIVERY_QUEUE).registerActivitiesImplementations(delivery);
    env.start();
  }

  private static SendoutSettings email(int batchSize, int inFlight, int continueAfterEvents) {
    return new SendoutSettings(
        batchSize,
        inFlight,
        DELIVERY_QUEUE,
        continueAfterEvents,
        EMAIL_RECEIPT_TIMEOUT,
        batchSize,
        RELEASE_GRACE);
  }

  private static StartSendout sendout(
      String sendoutId, Instant sendAt, int messages, SendoutSettings settings) {
    return new StartSendout(sendoutId, "t1", Channel.EMAIL, messages, sendAt, settings, null);
  }

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

  /**
   * An SMS sendout with a delivery window, to recipients in these zones, due tomorrow at 23:00 in
   * New York, with the workers started and the store releasing in the recipients' windows.
   */
  private StartSendout smsAtElevenPmInNewYork(
      TestWorkflowEnvironment env, Worker worker, String name, List<ZoneId> zones) {
    return smsAtElevenPmInNewYork(env, worker, name, zones, 2000);
  }

  private StartSendout smsAtElevenPmInNewYork(
      TestWorkflowEnvironment env,
      Worker worker,
      String name,
      List<ZoneId> zones,
      int continueAfterEvents) {
    startWorkers(env, worker, zones.size());
    store.inWindows = new FakeWindows(zones, env::currentTimeMillis)::release;
    Instant elevenPm =
        now(env)
            .atZone(NEW_YORK)
            .toLocalDate()
            .plusDays(1)
            .atTime(23, 0)
            .atZone(NEW_YORK)
            .toInstant();
    SendoutSettings sms =
        new SendoutSettings(
            100, 2, DELIVERY_QUEUE, continueAfterEvents, SMS_RECEIPT_TIMEOUT, 1, RELEASE_GRACE);
    return new StartSendout(name, "t1", Channel.SMS, zones.size(), elevenPm, sms, null, true);
  }

  private static SendoutWorkflow stub(
      WorkflowClient client, WorkflowOptions options, StartSendout start) {
    return client.newWorkflowStub(
        SendoutWorkflow.class,
        options.toBuilder().setWorkflowId(SendoutWorkflow.workflowId(start.sendoutId())).build());
  }

  private static BatchWorkflow batch(WorkflowClient client, StartSendout start, int batchNo) {
    return client.newWorkflowStub(
        BatchWorkflow.class, BatchWorkflow.workflowId(start.sendoutId(), batchNo));
  }

  private static Instant now(TestWorkflowEnvironment env) {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  private void write(WorkflowClient client, StartSendout start, String name) throws IOException {
    write(client.fetchHistory(SendoutWorkflow.workflowId(start.sendoutId())).toJson(true), name);
  }

  /** Waits for the batch to finish (it may outlive its sendout by a moment), then writes it. */
  private void writeBatch(WorkflowClient client, StartSendout start, int batchNo, String name)
      throws IOException {
    String batchId = BatchWorkflow.workflowId(start.sendoutId(), batchNo);
    client.newUntypedWorkflowStub(batchId).getResult(SendTally.class);
    write(client.fetchHistory(batchId).toJson(true), name);
  }

  private void write(String json, String name) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(name + ".json"), json);
  }
}
