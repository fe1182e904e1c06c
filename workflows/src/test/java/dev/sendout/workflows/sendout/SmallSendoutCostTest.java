package dev.sendout.workflows.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import dev.sendout.workflows.batch.SendBatch;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a one-recipient sendout (a transactional invitation) costs Temporal: the history events and
 * the billable actions ({@link HistoryCost}) of its workflow and of any child it starts, with its
 * receipt told by a signal a moment after the send, as the API tells it. The bounds are the figures
 * of the code as it is, so that a change which makes small sendouts dearer fails here; the figures
 * are printed for the record.
 */
class SmallSendoutCostTest {

  private static final String DELIVERY_QUEUE = "test-email";

  /**
   * 21 events and 7 actions with the receipt told by a signal: since {@code lean-rounds} no check
   * of the store follows the send (its marker) and its version's marker takes the place. Earlier,
   * with a receipt found at the check right after the send (which the API's receipts, posted after
   * the provider answered, never were): 14 events, 3 actions after {@code rounds-in-task}; 18 and 6
   * with every change since v0.2.0 asked as one version ({@code all-changes-of-0.3}); 23 and 6 with
   * the release a local activity in the first workflow task; 26 and 9 with the short store calls as
   * local activities; 40 and 11 with the small-sendout path alone; before it (a child batch, its
   * two signals, every status upserted) 73 to 76 events and 17 actions. With the receipt signalled,
   * 25 events while the send was an activity, 31 with a marker per change, 36 while the release was
   * an activity, and a timer and a workflow task more before the first signal was served at once.
   * The event bound leaves room for one workflow task retried on a loaded machine (3 events; seen
   * once, a cold JVM's class loading tripping the SDK's 1 s deadlock detector).
   */
  static final int MAX_EVENTS = 24;

  static final int MAX_ACTIONS = 7;

  /**
   * What a round of added recipients adds to an open sendout's history, with the release and the
   * send in the workflow task of the hand-off's signal and no status written ({@code
   * rounds-in-task}), and neither a check right after the send nor a {@code markSent} ({@code
   * lean-rounds}): 17.2 events and 6.6 actions a round over five (two workflow tasks, the two
   * signals, the release, the send and the receipt check's markers, the backstop timer). With
   * {@code rounds-in-task} alone: 19.2 events and 6.6 actions (the same actions: local activities
   * count once per workflow task). Before it: 33.2 events and 11.6 actions (five workflow tasks,
   * the Release and SendBatch activities, the release's deadline timer, SENDING and SENT upserted).
   */
  static final int MAX_EVENTS_PER_ROUND = 18;

  static final int MAX_ACTIONS_PER_ROUND = 7;

  @RegisterExtension
  static final TestWorkflowExtension temporal = SendoutWorkflowTest.newTemporalExtension();

  private final FakeActivities.Provider provider = new FakeActivities.Provider();

  /**
   * As a one-recipient sendout goes on a real engine: the receipt is not in when the send returns,
   * and the API's signal tells of it a moment later. That signal is served at once ({@link
   * dev.sendout.workflows.batch.BatchRun#FIRST_SIGNAL_AT_ONCE}): no gap timer, and the sendout
   * completes a moment after it.
   */
  @Test
  void aOneRecipientEmailSendoutStaysWithinItsEventAndActionBudget(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    provider.silent.add(0);
    SendoutWorkflow workflow = startWorkers(env, worker, client, options);
    String id = WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId();
    env.sleep(Duration.ofSeconds(1));
    provider.deliver(0);
    long signalledAt = env.currentTimeMillis();
    workflow.receiptsArrived();
    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(tally).isEqualTo(new SendTally(1, 0, 0));
    assertThat(provider.batches).extracting(SendBatch::fromSeq).containsExactly(0);
    WorkflowExecutionHistory sendout = client.fetchHistory(id);
    HistoryEvent completed = sendout.getLastEvent();
    assertThat(completed.getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(Duration.ofMillis(Timestamps.toMillis(completed.getEventTime()) - signalledAt))
        .isLessThan(Duration.ofSeconds(1));
    assertThat(children(sendout)).isEmpty();
    HistoryCost cost = HistoryCost.of(sendout);
    System.out.printf("One-recipient sendout %s: %s%n", id, cost);
    print(sendout);
    assertThat(cost.events()).isLessThanOrEqualTo(MAX_EVENTS);
    assertThat(cost.actions()).isLessThanOrEqualTo(MAX_ACTIONS);
    assertThat(scheduledActivities(sendout)).as("released and sent in the workflow task").isEmpty();
  }

  /**
   * A send that fails in the workflow task (the provider answering 5xx) is not lost with the local
   * attempt: the delivery activity, on the channel's queue, sends the batch with its retries.
   */
  @Test
  void aSendThatFailsInTheWorkflowTaskGoesOnAsTheDeliveryActivity(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    provider.sendsToFail.set(1);
    SendoutWorkflow workflow = startWorkers(env, worker, client, options);
    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(tally).isEqualTo(new SendTally(1, 0, 0));
    assertThat(provider.sendsToFail).hasValue(0);
    assertThat(provider.batches).extracting(SendBatch::fromSeq).containsExactly(0);
    WorkflowExecutionHistory history =
        client.fetchHistory(WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId());
    assertThat(scheduledActivities(history))
        .extracting(a -> a.getActivityType().getName() + "@" + a.getTaskQueue().getName())
        .containsExactly("SendBatch@" + DELIVERY_QUEUE);
  }

  /**
   * A round of added recipients into an open sendout, as the API's relay hands it over (a signal),
   * with its receipt signalled a moment after the send: what each round adds to the sendout's
   * history. A survey platform adding recipients all day makes one round a second per sendout.
   */
  @Test
  void aRoundOfAddedRecipientsStaysWithinItsEventAndActionBudget(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    provider.silent.add(0); // keeps the sendout open
    SendoutWorkflow workflow = startWorkers(env, worker, client, options);
    String id = WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId();
    env.sleep(Duration.ofMinutes(1));
    HistoryCost before = HistoryCost.of(client.fetchHistory(id));

    int rounds = 5;
    for (int seq = 1; seq <= rounds; seq++) {
      provider.silent.add(seq);
      workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(seq, seq + 1)), false));
      env.sleep(Duration.ofSeconds(1));
      provider.deliver(seq);
      workflow.receiptsArrived();
      env.sleep(Duration.ofSeconds(2));
    }
    WorkflowExecutionHistory history = client.fetchHistory(id);
    HistoryCost after = HistoryCost.of(history);
    print(history);
    System.out.printf(
        "Rounds of one added recipient: %s before, %s after %d rounds%n", before, after, rounds);

    assertThat(provider.batches).extracting(SendBatch::fromSeq).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(workflow.progress().receipts().delivered()).isEqualTo(rounds);
    assertThat(after.events() - before.events()).isLessThanOrEqualTo(rounds * MAX_EVENTS_PER_ROUND);
    assertThat(after.actions() - before.actions())
        .isLessThanOrEqualTo(rounds * MAX_ACTIONS_PER_ROUND);
  }

  private static List<ActivityTaskScheduledEventAttributes> scheduledActivities(
      WorkflowExecutionHistory history) {
    return history.getEvents().stream()
        .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .toList();
  }

  /** Starts the workers and a one-recipient email sendout, as the API's SendoutStarter does. */
  private SendoutWorkflow startWorkers(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    var store = new FakeActivities.Store(env::currentTimeMillis, 1);
    store.provider = provider;
    worker.registerActivitiesImplementations(store, provider);
    env.newWorker(DELIVERY_QUEUE).registerActivitiesImplementations(provider);
    env.start();
    SendoutSettings settings =
        new SendoutSettings(
            1000, 4, DELIVERY_QUEUE, 2000, Duration.ofHours(24), 1000, Duration.ofMinutes(10));
    StartSendout start =
        new StartSendout(
            UUID.randomUUID().toString(),
            "t1",
            Channel.EMAIL,
            1,
            Instant.ofEpochMilli(env.currentTimeMillis()),
            settings,
            null);
    String id = SendoutWorkflow.workflowId(start.sendoutId());
    // Started as the API's SendoutStarter starts it, with its search attributes.
    var attributes =
        SearchAttributes.newBuilder()
            .set(SendoutSearchAttributes.SENDOUT_ID, start.sendoutId())
            .set(SendoutSearchAttributes.TENANT_ID, start.tenantId())
            .set(SendoutSearchAttributes.CHANNEL, start.channel().name())
            .set(SendoutSearchAttributes.SENDOUT_STATUS, SendoutStatus.SCHEDULED.name())
            .set(SendoutSearchAttributes.STUCK, false)
            .build();
    SendoutWorkflow workflow =
        client.newWorkflowStub(
            SendoutWorkflow.class,
            options.toBuilder().setWorkflowId(id).setTypedSearchAttributes(attributes).build());
    WorkflowClient.start(workflow::run, start);
    return workflow;
  }

  private static List<String> children(WorkflowExecutionHistory history) {
    return history.getEvents().stream()
        .filter(
            e -> e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
        .map(e -> e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId())
        .toList();
  }

  /** The events by type, so that a change in the figures shows where it comes from. */
  private static void print(WorkflowExecutionHistory history) {
    Map<String, Integer> byType = new TreeMap<>();
    for (HistoryEvent event : history.getEvents()) {
      byType.merge(event.getEventType().name().replace("EVENT_TYPE_", ""), 1, Integer::sum);
    }
    byType.forEach((type, count) -> System.out.printf("    %-45s %d%n", type, count));
  }
}
