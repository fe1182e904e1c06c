package dev.sendout.embedded;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK_REASON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a real Temporal server: recipients added through the API reach a running sendout (the relay's
 * signal) and are delivered once; the support actions are Updates the server accepts and the
 * workflow applies (pause holds the batches back until resume, cancel stops the sendout before its
 * send time, acknowledge takes a stuck sendout off the {@code Stuck=true} list, resend sends the
 * failed messages again); and a sendout whose history passes the continue-as-new threshold (set low
 * here, with batches of two) continues as new, several times, and still delivers every message
 * exactly once, recipients added on the way included.
 *
 * <p>Found here: a resend (and, by the same path, an addition) that the workflow handled while its
 * send loop waited for {@code MarkSent} was never sent. The handler bumped the change counter
 * during that wait and planned its batch; the loop then took the bumped value as the one to wait
 * past, so nothing woke it: the resent messages stayed RELEASED, the sendout SENT, until the test
 * gave up. Fixed from version 1 of {@code sees-changes-during-calls}; the resend below still waits
 * for the sendout to be SENT, the state in which the runbook resends.
 */
@ExtendWith(RealServer.class)
class RealServerUpdatesTest {

  /** Small, so that a sendout of a hundred messages makes fifty batches and many runs. */
  private static final int BATCH_SIZE = 2;

  private static final int CONTINUE_AS_NEW_AFTER_EVENTS = 60;
  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final Duration DONE_WITHIN = Duration.ofSeconds(120);

  private static EmbeddedEngine engine;
  private static EngineClient client;

  @BeforeAll
  static void startEngine() throws Exception {
    EmbeddedEngine.Settings settings = RealServer.settings();
    // The api starts sendouts with these settings and the worker restarts them: both get them.
    for (String argument :
        List.of(
            "--sendout.workflow.batch-size=" + BATCH_SIZE,
            "--sendout.workflow.continue-as-new-after-events=" + CONTINUE_AS_NEW_AFTER_EVENTS,
            "--sendout.workflow.release-grace=" + GRACE)) {
      settings = settings.withApiArgument(argument).withWorkerArgument(argument);
    }
    engine = RealServer.start(settings);
    client = new EngineClient(engine);
  }

  @AfterAll
  static void stopEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  @BeforeEach
  void reset() {
    client.resetSandbox();
  }

  @Test
  void recipientsAddedToARunningSendoutAreHandedOverAndDeliveredOnce() throws Exception {
    // Its own three messages get no receipt from the sandbox, so that the sendout stays open.
    client.receipts("{\"silenceRate\": 1.0}");
    String id = create(EngineClient.emailSendout(3), Instant.now());
    client.awaitSendout(id, DONE_WITHIN, s -> s.path("messages").path("ACCEPTED").asInt() == 3);
    client.receipts("{\"silenceRate\": 0.0}");

    var first = addRecipients(id, 4, "add-1");
    var repeated = addRecipients(id, 4, "add-1");

    assertThat(first.status()).as(first.raw().body()).isEqualTo(202);
    assertThat(repeated.body().path("fromSeq")).isEqualTo(first.body().path("fromSeq"));
    client.awaitSendout(id, DONE_WITHIN, s -> s.path("messages").path("DELIVERED").asInt() == 4);
    for (JsonNode m : client.messagesOf(id)) {
      if (m.path("seq").asInt() < 3) {
        String delivered = "[" + EngineClient.sendGridEvent("delivered", m) + "]";
        var posted =
            client.postSendGridEvents(delivered, engine.receiptKeys().getPrivate(), Instant.now());
        assertThat(posted.status()).as(posted.raw().body()).isEqualTo(200);
      }
    }
    JsonNode done = awaitStatus(id, "COMPLETED");

    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(7);
    assertSentOnceEach(id, 7);
    assertThat(signals("sendout-" + id)).contains("recipientsAdded");
  }

  @Test
  void aPausedSendoutStartsNoBatchUntilResumedThenSendsEveryMessageOnce() throws Exception {
    String id = create(EngineClient.emailSendout(20), Instant.now().plusSeconds(8));
    String workflowId = "sendout-" + id;
    assertThat(client.action(id, "pause", "ann", "customer asked").status()).isEqualTo(200);

    // Bounded wait for the first decision the workflow made after its release: a run that ignored
    // the pause would have started its batches in that very workflow task.
    EngineClient.await(
        () -> decidedAfter(client.temporal().fetchHistory(workflowId), "Release"),
        Duration.ofSeconds(60),
        workflowId + " released and decided what to do next");
    WorkflowExecutionHistory paused = client.temporal().fetchHistory(workflowId);
    // The test's premise: the server accepted the pause before the workflow scheduled its release.
    long pauseAccepted = firstEventId(paused, e -> isUpdate(e, "pause"));
    long releaseScheduled = firstEventId(paused, RealServerUpdatesTest::isReleaseScheduled);
    assertThat(pauseAccepted)
        .as("pause accepted before the release")
        .isBetween(1L, releaseScheduled);
    assertThat(paused.getEvents())
        .as("batches started while paused")
        .noneMatch(
            e -> e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
    assertThat(sent(id)).as("messages sent while paused").isZero();
    assertThat(client.get("/v1/sendouts/" + id).body().path("paused").asBoolean()).isTrue();

    assertThat(client.action(id, "resume", "bob", null).status()).isEqualTo(200);
    JsonNode done = awaitStatus(id, "COMPLETED");

    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(20);
    assertSentOnceEach(id, 20);
    assertThat(updates(workflowId)).containsSubsequence("pause", "resume");
  }

  /**
   * One Update id per Idempotency-Key, whatever the action: the server joins a cancel sent under
   * the key of a pause under way to that pause (of another name), and the API refuses it.
   */
  @Test
  void aPauseAndACancelSentAtOnceUnderOneKeyAreOneUpdate() throws Exception {
    String id = create(EngineClient.emailSendout(3), Instant.now().plusSeconds(60));
    var pause = CompletableFuture.supplyAsync(() -> client.action(id, "pause", "ann", null, "k1"));
    var cancel =
        CompletableFuture.supplyAsync(() -> client.action(id, "cancel", "ann", null, "k1"));

    List<Integer> statuses = List.of(pause.get().status(), cancel.get().status());
    assertThat(statuses).containsOnlyOnce(200);
    // A cancel taken first may close the workflow before the pause reaches it: a 409 then.
    assertThat(statuses.stream().filter(status -> status != 200).findFirst().orElseThrow())
        .isIn(422, 409);
    assertThat(updates("sendout-" + id)).hasSize(1);
  }

  @Test
  void aCancelledSendoutStopsBeforeItsSendTimeAndSendsNothing() throws Exception {
    String id = create(EngineClient.emailSendout(10), Instant.now().plusSeconds(60));

    JsonNode cancelled = client.action(id, "cancel", "ann", "wrong survey").body();

    assertThat(cancelled.path("messages").asInt()).isEqualTo(10);
    JsonNode sendout = awaitStatus(id, "CANCELLED");
    assertThat(sendout.path("messages").path("CANCELLED").asInt()).isEqualTo(10);
    assertThat(sent(id)).isZero();
    RealServer.awaitCompleted(
        client.temporal(),
        "sendout-" + id,
        "the cancelled sendout's workflow closed well before its send time");
    assertThat(updates("sendout-" + id)).contains("cancel");
  }

  @Test
  void anAcknowledgedStuckSendoutLeavesTheStuckListAndCompletesOnceMended() throws Exception {
    String id = create(EngineClient.emailSendout(3), Instant.now().plusSeconds(2));
    String workflowId = "sendout-" + id;
    String stuckQuery = "WorkflowId='" + workflowId + "' AND Stuck=true";
    client.sql(RealServerWatchdogTest.failRelease("fail_release_ack", id));
    try {
      EngineClient.await(
          () -> client.temporal().listExecutions(stuckQuery).findAny().isPresent(),
          Duration.ofSeconds(60),
          workflowId + " listed with Stuck=true");

      var acknowledged = client.action(id, "acknowledge", "ann", "database team on it");

      assertThat(acknowledged.status()).as(acknowledged.raw().body()).isEqualTo(200);
      EngineClient.await(
          () -> client.temporal().listExecutions(stuckQuery).findAny().isEmpty(),
          Duration.ofSeconds(30),
          workflowId + " gone from the Stuck=true list");
      var attributes = client.searchAttributes(workflowId);
      assertThat(attributes.get(STUCK)).isFalse();
      assertThat(attributes.get(STUCK_REASON)).isEqualTo("NOT_RELEASED");
    } finally {
      client.sql("drop trigger fail_release_ack on message");
    }
    JsonNode done = awaitStatus(id, "COMPLETED");
    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(3);
    assertThat(updates(workflowId)).contains("acknowledge");
  }

  @Test
  void aResendSendsTheFailedMessagesOnceMoreAndTheyAreDelivered() throws Exception {
    // Vonage takes every SMS and says nothing; the test reports two undeliverable and delivers the
    // third only at the end, so that the sendout stays open for the resend.
    client.vonageStatuses("{\"silenceRate\":1.0}");
    String id = create(EngineClient.smsSendout(3), Instant.now());
    client.awaitSendout(id, DONE_WITHIN, s -> s.path("messages").path("ACCEPTED").asInt() == 3);
    List<JsonNode> messages = client.messagesOf(id);
    String secret = engine.vonageKeys().signatureSecret();
    for (JsonNode m : messages.subList(0, 2)) {
      var posted =
          client.postVonageStatus(
              EngineClient.vonageStatus("undeliverable", m), secret, Instant.now());
      assertThat(posted.status()).isEqualTo(200);
    }
    client.awaitSendout(id, DONE_WITHIN, s -> s.path("messages").path("FAILED").asInt() == 2);
    awaitRecordedSent(id);
    client.vonageStatuses("{\"silenceRate\":0.0}");

    JsonNode resent = client.action(id, "resend", "ann", "the carrier is back").body();

    assertThat(resent.path("messages").asInt()).isEqualTo(2);
    client.awaitSendout(id, DONE_WITHIN, s -> s.path("messages").path("DELIVERED").asInt() == 2);
    client.postVonageStatus(
        EngineClient.vonageStatus("delivered", messages.get(2)), secret, Instant.now());
    JsonNode done = awaitStatus(id, "COMPLETED");
    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(3);
    assertThat(client.messagesOf(id))
        .extracting(m -> m.path("attemptCount").asInt())
        .containsExactly(2, 2, 1);
    assertThat(updates("sendout-" + id)).contains("resend");
  }

  @Test
  void aCompletedSendoutIsReopenedByUpdateWithStartToResendItsFailedMessages() throws Exception {
    client.vonageStatuses("{\"silenceRate\":1.0}");
    String id = create(EngineClient.smsSendout(2), Instant.now());
    client.awaitSendout(id, DONE_WITHIN, s -> s.path("messages").path("ACCEPTED").asInt() == 2);
    String secret = engine.vonageKeys().signatureSecret();
    for (JsonNode m : client.messagesOf(id)) {
      client.postVonageStatus(EngineClient.vonageStatus("undeliverable", m), secret, Instant.now());
    }
    awaitStatus(id, "COMPLETED");
    client.vonageStatuses("{\"silenceRate\":0.0}");

    JsonNode resent = client.action(id, "resend", "ann", "the carrier is back").body();

    assertThat(resent.path("messages").asInt()).isEqualTo(2);
    JsonNode done =
        client.awaitSendout(
            id,
            DONE_WITHIN,
            s ->
                s.path("status").asText().equals("COMPLETED")
                    && s.path("messages").path("DELIVERED").asInt() == 2);
    assertThat(done.path("messages").path("FAILED").asInt()).isZero();
    assertThat(updates("sendout-" + id)).containsExactly("resend");
  }

  @Test
  void aLongSendoutContinuesAsNewAndDeliversEveryMessageExactlyOnce() throws Exception {
    int recipients = 100;
    int added = 6;
    String id = create(EngineClient.emailSendout(recipients), Instant.now());
    String workflowId = "sendout-" + id;
    // Added while the first runs send, so that the hand-off meets a sendout continuing as new.
    client.awaitSendout(
        id, DONE_WITHIN, s -> s.path("messages").path("DELIVERED").asInt() >= BATCH_SIZE);
    assertThat(addRecipients(id, added, "long-add").status()).isEqualTo(202);

    JsonNode done = awaitStatus(id, "COMPLETED");

    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(recipients + added);
    assertSentOnceEach(id, recipients + added);
    RealServer.awaitCompleted(client.temporal(), workflowId, "the sendout's last run closed");
    List<WorkflowExecutionHistory> runs = RealServer.runs(client.temporal(), workflowId);
    System.out.printf(
        "Real server: sendout of %d + %d messages in batches of %d ran as %d runs of %s events%n",
        recipients,
        added,
        BATCH_SIZE,
        runs.size(),
        runs.stream().map(r -> r.getEvents().size()).toList());
    assertThat(runs).as("runs of " + workflowId).hasSizeGreaterThanOrEqualTo(3);
    for (WorkflowExecutionHistory run : runs.subList(0, runs.size() - 1)) {
      assertThat(run.getLastEvent().getEventType())
          .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    }
    assertThat(runs.get(runs.size() - 1).getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  /**
   * True once an activity of this type has completed and a workflow task after it has completed
   * too: the workflow has decided what to do with its result.
   */
  private static boolean decidedAfter(WorkflowExecutionHistory history, String activityType) {
    long completed = -1;
    for (HistoryEvent e : history.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
          && scheduled(
              history,
              e.getActivityTaskCompletedEventAttributes().getScheduledEventId(),
              activityType)) {
        completed = e.getEventId();
      }
      if (completed > 0
          && e.getEventId() > completed
          && e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        return true;
      }
    }
    return false;
  }

  private static boolean scheduled(
      WorkflowExecutionHistory history, long eventId, String activityType) {
    return history.getEvents().stream()
        .anyMatch(
            e ->
                e.getEventId() == eventId
                    && e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                    && e.getActivityTaskScheduledEventAttributes()
                        .getActivityType()
                        .getName()
                        .equals(activityType));
  }

  /** Waits until the sendout has recorded itself SENT: every message handed to the provider. */
  private static void awaitRecordedSent(String id) throws InterruptedException {
    client.awaitSendout(id, DONE_WITHIN, s -> "SENT".equals(s.path("status").asText()));
  }

  private static boolean isReleaseScheduled(HistoryEvent e) {
    return e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        && e.getActivityTaskScheduledEventAttributes()
            .getActivityType()
            .getName()
            .equals("Release");
  }

  private static long firstEventId(
      WorkflowExecutionHistory history, Predicate<HistoryEvent> which) {
    return history.getEvents().stream()
        .filter(which)
        .mapToLong(HistoryEvent::getEventId)
        .findFirst()
        .orElse(-1);
  }

  private static boolean isUpdate(HistoryEvent e, String name) {
    return e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        && e.getWorkflowExecutionUpdateAcceptedEventAttributes()
            .getAcceptedRequest()
            .getInput()
            .getName()
            .equals(name);
  }

  /** The names of the Updates the server accepted for a workflow, every run, in order. */
  private static List<String> updates(String workflowId) {
    return RealServer.events(client.temporal(), workflowId).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .map(
            e ->
                e.getWorkflowExecutionUpdateAcceptedEventAttributes()
                    .getAcceptedRequest()
                    .getInput()
                    .getName())
        .toList();
  }

  /** The names of the signals a workflow received, every run, in order. */
  private static List<String> signals(String workflowId) {
    return RealServer.events(client.temporal(), workflowId).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName())
        .toList();
  }

  private static String create(ObjectNode body, Instant sendAt) {
    var reply = client.createSendout(body.put("sendAt", sendAt.toString()).toString(), null);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    return reply.body().path("id").asText();
  }

  private static EngineClient.Reply addRecipients(String id, int count, String key) {
    ObjectNode body = EngineClient.JSON.createObjectNode();
    var list = body.putArray("recipients");
    for (int i = 0; i < count; i++) {
      list.addObject()
          .put("email", key + "-" + i + "@example.com")
          .putObject("variables")
          .put("firstName", "A" + i)
          .put("surveyUrl", "https://s.example.com/a" + i);
    }
    return client.post("/v1/sendouts/" + id + "/recipients", body.toString(), key);
  }

  /** How many times in all the sandbox SendGrid accepted the sendout's messages. */
  private static int sent(String id) {
    return client.messagesOf(id).stream()
        .mapToInt(m -> client.sandboxSendCount(m.path("id").asText()))
        .sum();
  }

  private static void assertSentOnceEach(String id, int messages) {
    List<JsonNode> all = client.messagesOf(id);
    assertThat(all).hasSize(messages);
    assertThat(all)
        .allSatisfy(m -> assertThat(client.sandboxSendCount(m.path("id").asText())).isOne());
  }

  private static JsonNode awaitStatus(String id, String status) throws InterruptedException {
    return client.awaitSendout(id, DONE_WITHIN, s -> status.equals(s.path("status").asText()));
  }
}
