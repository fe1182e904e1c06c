package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a sendout costs a real Temporal server, with the default settings (batches of 1,000): the
 * history events, bytes and billable actions of its sendout workflow (every run) and of its batch
 * workflows, per message, for email sendouts of 2,000 recipients (two batch workflows), of 1,000
 * and of one, whose one batch runs inline in the sendout workflow, and for an SMS sendout of 600
 * (two batches, of 500 and 100, one activity per 50 messages). It prints the figures that
 * docs/scaling.md quotes and bounds them, so that a change that makes a message cost a workflow or
 * an activity, or a small sendout cost a child, fails here.
 */
@ExtendWith(RealServer.class)
class RealServerHistorySizeTest {

  /**
   * What Temporal Cloud bills as actions, as bench/HistorySize.java counts them: starts,
   * activities, timers, signals received and sent, child starts, accepted Updates, upserts, markers
   * and continue-as-new.
   */
  static final Set<EventType> ACTIONS =
      Set.of(
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
          EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
          EventType.EVENT_TYPE_TIMER_STARTED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
          EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
          EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
          EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
          EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
          EventType.EVENT_TYPE_MARKER_RECORDED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);

  private static final Duration DONE_WITHIN = Duration.ofSeconds(180);

  private static EmbeddedEngine engine;
  private static EngineClient client;

  @BeforeAll
  static void startEngine() throws Exception {
    engine = RealServer.start(RealServer.settings());
    client = new EngineClient(engine);
    client.resetSandbox();
  }

  @AfterAll
  static void stopEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void anEmailSendoutOf2000CostsItsBatchesNotItsMessages() throws Exception {
    Cost cost = measure(2_000);

    assertThat(cost.batchWorkflows()).isEqualTo(2);
    assertThat(cost.eventsPerMessage()).isLessThan(0.5);
    assertThat(cost.actionsPerMessage()).isLessThan(0.1);
  }

  @Test
  void aOneRecipientSendoutRunsItsBatchInlineInOneWorkflow() throws Exception {
    Cost cost = measure(1);

    assertThat(cost.batchWorkflows()).isZero();
    assertThat(cost.sendout().actions()).isLessThan(40);
  }

  @Test
  void aSendoutThatFitsOneBatchRunsItInlineAtTheCostOfASmallOne() throws Exception {
    Cost cost = measure(1_000);

    assertThat(cost.batchWorkflows()).isZero();
    assertThat(cost.actionsPerMessage()).isLessThan(0.05);
  }

  @Test
  void anSmsSendoutCostsItsCallsOfFiftyNotItsMessages() throws Exception {
    Cost cost = measure(EngineClient.smsSendout(600), 600);

    assertThat(cost.batchWorkflows()).isEqualTo(2);
    assertThat(cost.actionsPerMessage()).isLessThan(0.2);
  }

  private static Cost measure(int emailRecipients) throws Exception {
    return measure(EngineClient.emailSendout(emailRecipients), emailRecipients);
  }

  /** Sends a sendout of {@code recipients}, waits until all are DELIVERED, tallies it. */
  private static Cost measure(ObjectNode request, int recipients) throws Exception {
    var body = request.put("sendAt", Instant.now().toString());
    var reply = client.createSendout(body.toString(), null);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    String id = reply.body().path("id").asText();
    JsonNode done = client.awaitCompleted(id, DONE_WITHIN);
    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(recipients);
    RealServer.awaitCompleted(client.temporal(), "sendout-" + id, "the sendout's last run closed");

    List<HistoryEvent> sendoutEvents = RealServer.events(client.temporal(), "sendout-" + id);
    Tally sendout = Tally.of(sendoutEvents);
    List<String> children =
        sendoutEvents.stream()
            .filter(
                e ->
                    e.getEventType()
                        == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
            .map(e -> e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId())
            .distinct()
            .toList();
    Tally batches = Tally.of(List.of());
    for (String child : children) {
      batches = batches.plus(Tally.of(RealServer.events(client.temporal(), child)));
    }
    Cost cost =
        new Cost(
            body.path("channel").asText(),
            recipients,
            RealServer.runs(client.temporal(), "sendout-" + id).size(),
            sendout,
            children.size(),
            batches);
    System.out.println("Real server: " + cost);
    return cost;
  }

  /** Events, bytes and actions of some workflow histories, with the actions by event type. */
  record Tally(long events, long bytes, long actions, Map<String, Long> actionsByType) {

    static Tally of(List<HistoryEvent> history) {
      long bytes = 0;
      Map<String, Long> byType = new TreeMap<>();
      for (HistoryEvent e : history) {
        bytes += e.getSerializedSize();
        if (ACTIONS.contains(e.getEventType())) {
          byType.merge(e.getEventType().name().replace("EVENT_TYPE_", ""), 1L, Long::sum);
        }
      }
      long actions = byType.values().stream().mapToLong(Long::longValue).sum();
      return new Tally(history.size(), bytes, actions, byType);
    }

    Tally plus(Tally other) {
      Map<String, Long> byType = new TreeMap<>(actionsByType);
      other.actionsByType.forEach((k, v) -> byType.merge(k, v, Long::sum));
      return new Tally(events + other.events, bytes + other.bytes, actions + other.actions, byType);
    }
  }

  record Cost(
      String channel,
      int messages,
      int sendoutRuns,
      Tally sendout,
      int batchWorkflows,
      Tally batches) {

    double eventsPerMessage() {
      return (double) (sendout.events() + batches.events()) / messages;
    }

    double actionsPerMessage() {
      return (double) (sendout.actions() + batches.actions()) / messages;
    }

    @Override
    public String toString() {
      return ("%s sendout of %d messages: sendout workflow %d run(s), %s; %d batch workflow(s), %s;"
              + " per message %.3f events, %.0f bytes, %.3f actions")
          .formatted(
              channel,
              messages,
              sendoutRuns,
              sendout,
              batchWorkflows,
              batches,
              eventsPerMessage(),
              (double) (sendout.bytes() + batches.bytes()) / messages,
              actionsPerMessage());
    }
  }
}
