package dev.sendout.embedded;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK_REASON;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK_REASONS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sendout.workflows.watchdog.WatchdogWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a real Temporal server: the watchdog runs as the Schedule the worker creates, fires, flags
 * messages queued behind a running sendout's back as NOT_RELEASED and heals them (released and
 * DELIVERED with nobody's help, {@code HAND_OVER} audited); and a stuck sendout is found by a
 * visibility query on {@code Stuck} and {@code StuckReason}, through the Java client and through
 * {@code temporal workflow list --query}, as support staff would look for it.
 */
@ExtendWith(RealServer.class)
class RealServerWatchdogTest {

  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final Duration PERIOD = Duration.ofSeconds(2);

  /** The deadline plus two watchdog periods, with slack for a busy two-core machine. */
  private static final Duration DETECTED_WITHIN =
      GRACE.plus(PERIOD.multipliedBy(2)).plusSeconds(15);

  private static EmbeddedEngine engine;
  private static EngineClient client;

  @BeforeAll
  static void startEngine() throws Exception {
    engine =
        RealServer.start(
            RealServer.settings()
                .withWorkerArgument("--sendout.workflow.release-grace=" + GRACE)
                .withWorkerArgument("--sendout.watchdog.send-grace=" + GRACE)
                .withWorkerArgument("--sendout.watchdog.period=" + PERIOD)
                .withApiArgument("--sendout.workflow.release-grace=" + GRACE));
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
  void theWatchdogIsARealScheduleThatFires() throws Exception {
    ScheduleClient schedules =
        ScheduleClient.newInstance(
            client.temporal().getWorkflowServiceStubs(),
            ScheduleClientOptions.newBuilder().setNamespace("default").build());
    EngineClient.await(
        () -> schedules.getHandle(WatchdogWorkflow.ID).describe().getInfo().getNumActions() >= 2,
        PERIOD.multipliedBy(3).plusSeconds(15),
        "two watchdog passes started by the schedule");
    ScheduleDescription schedule = schedules.getHandle(WatchdogWorkflow.ID).describe();
    System.out.printf(
        "Watchdog schedule: %d actions, recent %s%n",
        schedule.getInfo().getNumActions(), schedule.getInfo().getRecentActions());
    // Each pass is a workflow of its own, started by the schedule and visible as such.
    List<WorkflowExecutionMetadata> passes =
        client
            .temporal()
            .listExecutions("WorkflowType='WatchdogWorkflow' AND ExecutionStatus='Completed'")
            .limit(5)
            .toList();
    assertThat(passes).isNotEmpty();
    assertThat(passes.get(0).getExecution().getWorkflowId())
        .startsWith(WatchdogWorkflow.ID + "-pass");
  }

  @Test
  void messagesQueuedBehindARunningSendoutAreFlaggedThenHealedByTheScheduledWatchdog()
      throws Exception {
    // The sendout's own two messages stay without a receipt, so that it stays open.
    client.receipts("{\"silenceRate\": 1.0}");
    String id = create(EngineClient.emailSendout(2), Instant.now());
    client.awaitSendout(
        id, Duration.ofSeconds(60), s -> s.path("messages").path("ACCEPTED").asInt() == 2);
    client.receipts("{\"silenceRate\": 0.0}");

    // Incident 2's bug: rows written QUEUED, and the workflow never told.
    client.sql(
        """
        insert into message (id, sendout_id, seq, address, display_name, variables, status, queued_at)
        select gen_random_uuid(), '%s', s, 'behind' || s || '@example.com', null,
               '{"firstName": "B", "surveyUrl": "https://s.example.com/b"}'::jsonb, 'QUEUED', now()
        from generate_series(2, 4) s"""
            .formatted(id));
    Instant queued = Instant.now();

    JsonNode healed =
        client.awaitSendout(
            id,
            DETECTED_WITHIN.plusSeconds(30),
            s ->
                s.path("messages").path("DELIVERED").asInt() == 3
                    && !s.path("stuck").path("reasons").toString().contains("NOT_RELEASED"));
    System.out.printf(
        "Real server: queued behind the workflow, healed and delivered %d ms later%n",
        Duration.between(queued, Instant.now()).toMillis());
    assertThat(healed.path("messages").path("QUEUED").asInt()).isZero();
    for (JsonNode m : client.messagesOf(id)) {
      if (m.path("seq").asInt() >= 2) {
        assertThat(client.sandboxSendCount(m.path("id").asText())).isEqualTo(1);
      }
    }
    String audit = client.get("/v1/sendouts/" + id + "/audit").body().toString();
    assertThat(audit).contains("HAND_OVER").contains("watchdog");
    // The flag was raised on the workflow (what the UI showed meanwhile) before it was healed.
    assertThat(upsertedSearchAttributes("sendout-" + id)).contains("NOT_RELEASED");
  }

  @Test
  void aStuckSendoutIsFoundByVisibilityQueriesThroughTheClientAndTheCli() throws Exception {
    String id = create(EngineClient.emailSendout(3), Instant.now().plusSeconds(2));
    String workflowId = "sendout-" + id;
    client.sql(failRelease("fail_release_visibility", id));
    try {
      String query =
          "WorkflowType='SendoutWorkflow' AND Stuck=true AND StuckReason='NOT_RELEASED'"
              + " AND StuckReasons='NOT_RELEASED' AND SendoutId='"
              + id
              + "'";
      EngineClient.await(
          () -> client.temporal().listExecutions(query).findAny().isPresent(),
          DETECTED_WITHIN,
          "visibility query " + query);
      List<WorkflowExecutionMetadata> all =
          client
              .temporal()
              .listExecutions("WorkflowType='SendoutWorkflow' AND Stuck=true")
              .toList();
      assertThat(all).extracting(m -> m.getExecution().getWorkflowId()).contains(workflowId);
      var attributes = client.searchAttributes(workflowId);
      assertThat(attributes.get(STUCK)).isTrue();
      assertThat(attributes.get(STUCK_REASON)).isEqualTo("NOT_RELEASED");
      assertThat(attributes.get(STUCK_REASONS)).contains("NOT_RELEASED");

      // The API's stuck listing, which support staff's tools call. It reads the watchdog's
      // findings in Postgres, which its next pass records: the workflow may flag itself first.
      EngineClient.await(
          () ->
              client
                  .get("/v1/sendouts?stuck=true&reason=NOT_RELEASED")
                  .body()
                  .toString()
                  .contains(id),
          DETECTED_WITHIN,
          "the API's stuck listing names " + id);

      // The temporal CLI, as an operator would type it.
      var cli = RealServer.cli();
      if (cli == null) {
        throw new AssertionError(
            "No temporal CLI: set -D" + RealServer.CLI_PROPERTY + " or run temporal-dev.sh build");
      }
      String listed =
          RealServer.run(
              Duration.ofSeconds(30),
              List.of(
                  cli.toString(),
                  "workflow",
                  "list",
                  "--address",
                  RealServer.address(),
                  "--query",
                  "Stuck=true AND StuckReason='NOT_RELEASED'",
                  "--output",
                  "json"));
      System.out.println("temporal workflow list --query 'Stuck=true ...':\n" + listed);
      assertThat(listed).contains(workflowId).contains("SendoutWorkflow");
    } finally {
      client.sql("drop trigger fail_release_visibility on message");
    }
    client.awaitCompleted(id, Duration.ofSeconds(90));
    EngineClient.await(
        () ->
            client
                .temporal()
                .listExecutions(
                    "WorkflowId='"
                        + workflowId
                        + "' AND Stuck=false AND ExecutionStatus='Completed'")
                .findAny()
                .isPresent(),
        Duration.ofSeconds(20),
        workflowId + " listed completed with Stuck=false");
  }

  /** SQL making the release of one sendout's messages fail on every attempt, as a bug would. */
  static String failRelease(String trigger, String sendoutId) {
    return """
        create or replace function %1$s() returns trigger language plpgsql as
          $$ begin raise exception 'release broken (injected by the test)'; end $$;
        create trigger %1$s before update on message for each row
          when (old.sendout_id = '%2$s' and new.status = 'RELEASED') execute function %1$s();
        """
        .formatted(trigger, sendoutId);
  }

  private static String create(JsonNode body, Instant sendAt) {
    var withSendAt =
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("sendAt", sendAt.toString());
    var reply = client.createSendout(withSendAt.toString(), null);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    return reply.body().path("id").asText();
  }

  /** The search attribute payloads the workflow upserted, every run, as text. */
  private static String upsertedSearchAttributes(String workflowId) {
    StringBuilder text = new StringBuilder();
    for (HistoryEvent event : client.temporal().fetchHistory(workflowId).getEvents()) {
      if (event.getEventType() == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) {
        event
            .getUpsertWorkflowSearchAttributesEventAttributes()
            .getSearchAttributes()
            .getIndexedFieldsMap()
            .forEach(
                (name, payload) ->
                    text.append(name)
                        .append('=')
                        .append(payload.getData().toString(StandardCharsets.UTF_8))
                        .append(' '));
      }
    }
    return text.toString();
  }
}
