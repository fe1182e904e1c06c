package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.NEXT_REMINDER_AT;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reminders and the closing date over weeks of workflow time, with time skipping. The store is the
 * in-memory fake of {@link FakeActivities}, which selects waves as the real statement does: each
 * accepted, unanswered invitation is due for reminder k at its acceptance + after(k), and a wave
 * takes everyone due within an hour. Every step moves the clock with {@code env.sleep} or by
 * waiting for the result, never by real-time waits.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReminderWorkflowTest {

  private static final String DELIVERY_QUEUE = "test-email";
  private static final Duration DAY = Duration.ofDays(1);
  private static final List<Duration> THREE_REMINDERS =
      List.of(Duration.ofDays(3), Duration.ofDays(7), Duration.ofDays(10));

  @RegisterExtension
  static final TestWorkflowExtension temporal = SendoutWorkflowTest.newTemporalExtension();

  private FakeActivities.Store store;
  private final FakeActivities.Provider delivery = new FakeActivities.Provider();

  @Test
  void threeRemindersEachReachEveryRecipientOnceAtTheirTime(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 3, THREE_REMINDERS);
    Instant sendAt = now(env).plusSeconds(60);
    StartSendout start = sendout(sendAt, 3, 3, null, 2000);
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowClient.start(workflow::run, start);
    env.sleep(DAY);

    Instant accepted = delivery.acceptedAt.get(0);
    assertThat(accepted).isNotNull();
    assertThat(workflow.progress().nextReminderAt()).isEqualTo(accepted.plus(Duration.ofDays(3)));
    assertThat(nextReminderAttribute(workflow)).isEqualTo(accepted.plus(Duration.ofDays(3)));
    assertThat(details(client, start)).contains(". Next reminder wave (reminder 1) at");
    assertThat(workflow.progress().status()).isNotEqualTo(SendoutStatus.COMPLETED);

    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.remindersByInvitation())
        .isEqualTo(Map.of(0, List.of(0, 1, 2), 1, List.of(0, 1, 2), 2, List.of(0, 1, 2)));
    assertThat(tally.accepted()).as("3 invitations and 9 reminders, each once").isEqualTo(12);
    assertThat(delivery.batches).hasSize(4);
    assertThat(reminderSentAt(0))
        .isBetween(
            accepted.plus(Duration.ofDays(3)), accepted.plus(Duration.ofDays(3)).plusSeconds(600));
    assertThat(reminderSentAt(2))
        .isBetween(
            accepted.plus(Duration.ofDays(10)),
            accepted.plus(Duration.ofDays(10)).plusSeconds(600));
    assertThat(nextReminderAttribute(workflow)).isNull();
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
  }

  @Test
  void aResponseJustBeforeTheWaveExcludesThatRecipient(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 4, List.of(Duration.ofDays(3)));
    StartSendout start = sendout(now(env).plusSeconds(60), 4, 1, null, 2000);
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowClient.start(workflow::run, start);
    env.sleep(DAY);
    Instant due = workflow.progress().nextReminderAt();
    env.sleep(Duration.between(now(env), due).minusMinutes(1));
    store.responded.add(1);
    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.remindersByInvitation().keySet()).containsExactly(0, 2, 3);
    assertThat(tally.accepted()).isEqualTo(4 + 3);
  }

  @Test
  void aResponseAfterTheWaveWasTakenDoesNotUnsendItsReminder(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 2, List.of(Duration.ofDays(3)));
    // Recipient 0 answers the moment its reminder has been created, before its release.
    store.onWave = range -> store.responded.add(0);
    StartSendout start = sendout(now(env).plusSeconds(60), 2, 1, null, 2000);
    SendoutWorkflow workflow = stub(client, options, start);

    SendTally tally = workflow.run(start);

    assertThat(store.remindersByInvitation()).isEqualTo(Map.of(0, List.of(0), 1, List.of(0)));
    assertThat(delivery.messages).containsKeys(2, 3);
    assertThat(tally.accepted()).isEqualTo(4);
    assertThat(store.waves.values()).filteredOn(w -> w.messages() != null).hasSize(1);
  }

  @Test
  void theCloseCancelsWhatIsPendingAndTheSendoutCompletesAtIt(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 2, List.of(Duration.ofDays(3), Duration.ofDays(7)));
    Instant sendAt = now(env).plusSeconds(60);
    Instant closesAt = sendAt.plus(Duration.ofDays(5));
    StartSendout start = sendout(sendAt, 2, 2, closesAt, 2000);
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowClient.start(workflow::run, start);
    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.remindersByInvitation()).isEqualTo(Map.of(0, List.of(0), 1, List.of(0)));
    assertThat(store.closes).hasSize(1);
    assertThat(store.closes.get(0)).isBetween(closesAt, closesAt.plusSeconds(600));
    // When the run closed, not the clock now: the test server may skip ahead once the result is in.
    assertThat(WorkflowStub.fromTyped(workflow).describe().getCloseTime())
        .as("not waiting for the second reminder")
        .isBefore(sendAt.plus(Duration.ofDays(6)));
    assertThat(tally.accepted()).isEqualTo(4);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(nextReminderAttribute(workflow)).isNull();
  }

  @Test
  void aSendoutThatThanksStaysOpenForItsThankYousUntilTheSurveyCloses(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 2, List.of());
    Instant sendAt = now(env).plusSeconds(60);
    Instant closesAt = sendAt.plus(Duration.ofDays(5));
    StartSendout plain = sendout(sendAt, 2, 0, closesAt, 2000);
    StartSendout start =
        new StartSendout(
            plain.sendoutId(),
            plain.tenantId(),
            plain.channel(),
            plain.recipientCount(),
            sendAt,
            plain.settings(),
            null,
            false,
            0,
            closesAt,
            true);
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowClient.start(workflow::run, start);
    env.sleep(DAY);
    assertThat(delivery.messages).containsOnlyKeys(0, 1);
    assertThat(workflow.progress().status())
        .as("invitations settled, the survey still open")
        .isEqualTo(SendoutStatus.SENT);

    // Recipient 1 responds on day 2: the store queues its thank-you as message 2 and the relay
    // hands it over as it hands over an addition.
    env.sleep(DAY);
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(2, 3)), false));
    env.sleep(Duration.ofHours(1));
    assertThat(delivery.messages).containsKey(2);

    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(tally.accepted()).as("2 invitations and 1 thank-you").isEqualTo(3);
    assertThat(store.closes).hasSize(1);
    assertThat(WorkflowStub.fromTyped(workflow).describe().getCloseTime())
        .isBetween(closesAt, closesAt.plusSeconds(600));
  }

  @Test
  void pauseHoldsTheWaveAndResumeSendsIt(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 2, List.of(Duration.ofDays(3)));
    StartSendout start = sendout(now(env).plusSeconds(60), 2, 1, null, 2000);
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowClient.start(workflow::run, start);
    env.sleep(DAY);
    Instant due = workflow.progress().nextReminderAt();
    workflow.pause(new SupportAction("ann", "hold the reminder"));
    env.sleep(Duration.between(now(env), due).plus(DAY));

    assertThat(store.waves.values()).filteredOn(w -> w.messages() != null).isEmpty();
    assertThat(workflow.progress().nextReminderAt()).isEqualTo(due);
    assertThat(details(client, start)).contains("held while paused");

    Instant resumed = now(env);
    workflow.resume(new SupportAction("ann", "go on"));
    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.remindersByInvitation()).isEqualTo(Map.of(0, List.of(0), 1, List.of(0)));
    assertThat(reminderSentAt(0)).isBetween(resumed, resumed.plusSeconds(600));
    assertThat(tally.accepted()).isEqualTo(4);
  }

  @Test
  void skipAndCancelSupportActionsStopTheirReminders(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    SendoutWorkflow workflow = aDayAfterTheInvitations(env, worker, client, options).workflow();

    workflow.skipNextReminder(new SupportAction("ann", "too soon"));
    env.sleep(Duration.ofDays(7));
    assertThat(workflow.progress().nextReminderAt()).isNotNull();
    workflow.cancelReminders(new SupportAction("ann", "enough"));
    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.remindersByInvitation()).isEqualTo(Map.of(0, List.of(1), 1, List.of(1)));
    assertThat(store.actions)
        .extracting(SendoutActivities.ApplyAction::type)
        .containsExactly(SupportActionType.SKIP_REMINDER, SupportActionType.CANCEL_REMINDERS);
    assertThat(tally.accepted()).isEqualTo(4);
  }

  /** A cancelled sendout went on showing its next wave, in the UI's search attribute above all. */
  @Test
  void aCancelledSendoutShowsNoNextWave(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    Running running = aDayAfterTheInvitations(env, worker, client, options);
    SendoutWorkflow workflow = running.workflow();

    assertThat(nextReminderAttribute(workflow)).isNotNull();
    workflow.cancel(new SupportAction("ann", "wrong list"));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(workflow.progress().nextReminderAt()).isNull();
    assertThat(nextReminderAttribute(workflow)).isNull();
    assertThat(details(client, running.start())).doesNotContain("Next reminder wave");
    assertThat(store.remindersByInvitation()).isEmpty();
  }

  @Test
  void aWaveMadeWhileTheRemindersWereCancelledIsDroppedNotLeftQueued(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 2, THREE_REMINDERS);
    StartSendout start = sendout(now(env).plusSeconds(60), 2, 3, null, 2000);
    SendoutWorkflow workflow = stub(client, options, start);
    store.cancelRemindersDuringTheFirstWave(client, start);

    SendTally tally = workflow.run(start);

    SeqRange firstWave = store.waves.values().iterator().next().messages();
    assertThat(store.dropped).containsExactly(firstWave);
    assertThat(delivery.messages).doesNotContainKeys(firstWave.fromSeq());
    assertThat(tally.accepted()).as("the 2 invitations only").isEqualTo(2);
  }

  @Test
  void theScheduleAndASkipCarryOnAcrossContinuesAsNew(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 3, THREE_REMINDERS);
    // A short history limit: the sendout continues as new between its waves.
    StartSendout start = sendout(now(env).plusSeconds(60), 3, 3, null, 30);
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    env.sleep(DAY);
    Instant accepted = delivery.acceptedAt.get(0);
    workflow.skipNextReminder(new SupportAction("ann", "too soon"));
    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(runs(client, firstRun)).as("runs of the sendout").isGreaterThanOrEqualTo(3);
    assertThat(store.remindersByInvitation())
        .as("reminder 1 skipped, 2 and 3 each once")
        .isEqualTo(Map.of(0, List.of(1, 2), 1, List.of(1, 2), 2, List.of(1, 2)));
    assertThat(reminderSentAt(2))
        .isBetween(
            accepted.plus(Duration.ofDays(10)),
            accepted.plus(Duration.ofDays(10)).plusSeconds(600));
    assertThat(tally.accepted()).as("3 invitations and 6 reminders").isEqualTo(9);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(nextReminderAttribute(workflow)).isNull();
  }

  /** How many runs the workflow has had, following each continue-as-new from the first. */
  private static int runs(WorkflowClient client, WorkflowExecution first) {
    int runs = 1;
    var last = client.fetchHistory(first.getWorkflowId(), first.getRunId()).getLastEvent();
    while (last.hasWorkflowExecutionContinuedAsNewEventAttributes()) {
      runs++;
      String next = last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
      last = client.fetchHistory(first.getWorkflowId(), next).getLastEvent();
    }
    return runs;
  }

  private Instant reminderSentAt(int index) {
    return store.reminderOf.entrySet().stream()
        .filter(e -> e.getValue()[1] == index)
        .map(e -> delivery.acceptedAt.get(e.getKey()))
        .min(Instant::compareTo)
        .orElseThrow();
  }

  /** A sendout and its workflow, started. */
  private record Running(StartSendout start, SendoutWorkflow workflow) {}

  /** Two recipients with three reminders, started, a day after their invitations went out. */
  private Running aDayAfterTheInvitations(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 2, THREE_REMINDERS);
    StartSendout start = sendout(now(env).plusSeconds(60), 2, 3, null, 2000);
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(DAY);
    return new Running(start, workflow);
  }

  private void startWorkers(
      TestWorkflowEnvironment env, Worker worker, int messageCount, List<Duration> afters) {
    store = new FakeActivities.Store(env::currentTimeMillis, messageCount);
    store.reminderAfters = afters;
    store.provider = delivery;
    delivery.clock = env::currentTimeMillis;
    worker.registerActivitiesImplementations(store, delivery);
    env.newWorker(DELIVERY_QUEUE).registerActivitiesImplementations(delivery);
    env.start();
  }

  private static StartSendout sendout(
      Instant sendAt, int messages, int reminders, Instant closesAt, int continueAfterEvents) {
    SendoutSettings settings =
        new SendoutSettings(
            100,
            2,
            DELIVERY_QUEUE,
            continueAfterEvents,
            Duration.ofHours(24),
            100,
            Duration.ofMinutes(10));
    return new StartSendout(
        UUID.randomUUID().toString(),
        "t1",
        Channel.EMAIL,
        messages,
        sendAt,
        settings,
        null,
        false,
        reminders,
        closesAt);
  }

  private static Instant now(TestWorkflowEnvironment env) {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  private static Instant nextReminderAttribute(SendoutWorkflow workflow) {
    var at =
        WorkflowStub.fromTyped(workflow)
            .describe()
            .getTypedSearchAttributes()
            .get(NEXT_REMINDER_AT);
    return at == null ? null : at.toInstant();
  }

  private static SendoutWorkflow stub(
      WorkflowClient client, WorkflowOptions options, StartSendout s) {
    return client.newWorkflowStub(
        SendoutWorkflow.class,
        options.toBuilder().setWorkflowId(SendoutWorkflow.workflowId(s.sendoutId())).build());
  }

  private static String details(WorkflowClient client, StartSendout s) {
    return client
        .newUntypedWorkflowStub(SendoutWorkflow.workflowId(s.sendoutId()))
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
  }
}
