package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker that calls SendGrid dies with calls in flight while Temporal and Postgres stay up; a
 * new one takes over and the sendout completes without any message sent twice.
 *
 * <p>Here the workflows run on one worker and the email activities on another, and only the second
 * is killed. On a real Temporal server a killed worker's workflows move to another worker after the
 * sticky queue's schedule-to-start timeout (5 s). The Java test server has no such timeout and its
 * ShutdownWorker does nothing, so workflows cached by a dead worker would wait there forever. What
 * the engine itself must get right is unchanged by the split: the activity is retried after its
 * start-to-close timeout, and the claim made before the provider call keeps a batch that may have
 * reached SendGrid from being sent again.
 *
 * <p>The second test also terminates the sendout's workflow while its worker is dead, as an
 * operator deleting it would: the watchdog restarts it from the record.
 */
class WorkerCrashEndToEndTest {

  private static final int RECIPIENTS = 8000;

  /**
   * Two batches, so that their calls are activities on the email worker: the only batch of an email
   * sendout is sent in its workflow task, by the workflow's worker (local-small-send).
   */
  private static final int GRACEFUL_RECIPIENTS = 1001;

  /** Hosts the workflows and the store activities only. */
  private static final String[] WORKFLOWS_ONLY = {
    "--spring.temporal.workers[0].task-queue=sendout-workflows",
    "--spring.temporal.workers[0].workflow-classes[0]=dev.sendout.workflows.sendout.SendoutWorkflowImpl",
    "--spring.temporal.workers[0].workflow-classes[1]=dev.sendout.workflows.batch.BatchWorkflowImpl",
    "--spring.temporal.workers[0].workflow-classes[2]=dev.sendout.workflows.watchdog.WatchdogWorkflowImpl",
    "--spring.temporal.workers[0].activity-beans[0]=sendoutActivitiesImpl",
    "--spring.temporal.workers[0].activity-beans[1]=receiptActivitiesImpl",
    "--spring.temporal.workers[0].activity-beans[2]=watchdogActivitiesImpl"
  };

  /** Hosts the SendGrid calls only. */
  private static final String[] EMAIL_ONLY = {
    "--spring.temporal.workers[0].task-queue=sendout-email",
    "--spring.temporal.workers[0].activity-beans[0]=emailDeliveryActivities"
  };

  private static EmbeddedEngine engine;
  private static EngineClient client;

  /**
   * The worker a test starts in place of one it killed. Closed after the test: left polling, it
   * would take the next test's calls from the worker that test is watching.
   */
  private ConfigurableApplicationContext replacement;

  @AfterEach
  void stopReplacement() {
    if (replacement != null) {
      replacement.close();
    }
  }

  @BeforeAll
  static void startEngine() throws Exception {
    // Two batches at a time, so the kill finds some accepted, some in flight and some not started.
    EmbeddedEngine.Settings settings =
        EmbeddedEngine.Settings.ephemeral()
            .withApiArgument("--sendout.workflow.max-batches-in-flight=2")
            .withWorkerArgument("--sendout.watchdog.period=3s");
    for (String argument : WORKFLOWS_ONLY) {
      settings = settings.withWorkerArgument(argument);
    }
    engine = EmbeddedEngine.start(settings);
    client = new EngineClient(engine);
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @Test
  void workerKilledMidCallIsReplacedAndTheSendoutCompletesWithoutSendingAnyMessageTwice()
      throws Exception {
    ConfigurableApplicationContext emailWorker = engine.startWorker(EMAIL_ONLY);
    client.sandbox("PUT", "/sandbox/sendgrid/faults", "{\"latencyMs\":2000}");
    // Receipts come after the cut-off call is retried (its 45 s timeout), so that the retry finds
    // its messages in doubt before a receipt settles them.
    client.receipts("{\"deliveryDelayMs\":60000}");
    String id =
        client
            .createSendout(EngineClient.emailSendout(RECIPIENTS).toString(), null)
            .body()
            .path("id")
            .asText();
    // Once the first batches are accepted, the next ones are on their way to a slow SendGrid.
    client.awaitSendout(
        id, Duration.ofSeconds(60), s -> s.path("messages").path("ACCEPTED").asInt() >= 1000);
    awaitCallInFlight(id, "RELEASED");

    engine.kill(emailWorker);
    client.sandbox("PUT", "/sandbox/sendgrid/faults", "{\"latencyMs\":0}");
    replacement = engine.startWorker(EMAIL_ONLY);

    // Every message ends confirmed by a receipt, or in doubt; none is left merely accepted.
    JsonNode done =
        client.awaitSendout(
            id,
            Duration.ofSeconds(150),
            s ->
                s.path("messages").path("DELIVERED").asInt()
                        + s.path("messages").path("UNCONFIRMED").asInt()
                    == RECIPIENTS);
    assertThat(done.path("status").asText()).isIn("SENT", "COMPLETED");
    int inDoubt = 0;
    for (JsonNode m : settled(id)) {
      int sends = client.sandboxSendCount(m.path("id").asText());
      assertThat(sends).as("sends of %s", m.path("id")).isLessThanOrEqualTo(1);
      if (!m.path("unconfirmedAt").isNull()) {
        // Cut off mid-call: never resent; a receipt settles it if SendGrid did take it, and
        // ends the doubt its lastError told of.
        inDoubt++;
        if ("DELIVERED".equals(m.path("status").asText())) {
          assertThat(m.path("lastError").isTextual()).as(m.toString()).isFalse();
        } else {
          assertThat(m.path("lastError").asText()).contains("outcome unknown");
        }
      }
      if ("DELIVERED".equals(m.path("status").asText())) {
        assertThat(sends).as("a delivered message was sent").isEqualTo(1);
      } else {
        assertThat(m.path("status").asText()).isEqualTo("UNCONFIRMED");
        assertThat(sends).as("no receipt, so SendGrid never took it").isZero();
      }
    }
    assertThat(inDoubt).as("the batches cut off mid-call were in doubt").isGreaterThan(0);
  }

  @Test
  void workerKilledAndSendoutWorkflowTerminatedTheWatchdogRestartsItAndSendsNothingTwice()
      throws Exception {
    client.receipts("{\"deliveryDelayMs\":200}");
    ConfigurableApplicationContext emailWorker = engine.startWorker(EMAIL_ONLY);
    client.sandbox("PUT", "/sandbox/sendgrid/faults", "{\"latencyMs\":2000}");
    int recipients = 4000;
    String id =
        client
            .createSendout(EngineClient.emailSendout(recipients).toString(), null)
            .body()
            .path("id")
            .asText();
    client.awaitSendout(
        id, Duration.ofSeconds(60), s -> s.path("messages").path("DELIVERED").asInt() >= 1000);
    Thread.sleep(700);

    engine.kill(emailWorker);
    client.temporal().newUntypedWorkflowStub("sendout-" + id).terminate("test: deleted");
    client.sandbox("PUT", "/sandbox/sendgrid/faults", "{\"latencyMs\":0}");
    replacement = engine.startWorker(EMAIL_ONLY);

    // The restarted workflow records the sendout SENT: the terminated one never got that far.
    client.awaitSendout(
        id,
        Duration.ofSeconds(150),
        s ->
            List.of("SENT", "COMPLETED").contains(s.path("status").asText())
                && s.path("messages").path("DELIVERED").asInt()
                        + s.path("messages").path("UNCONFIRMED").asInt()
                    == recipients);
    for (JsonNode m : settled(id)) {
      assertThat(client.sandboxSendCount(m.path("id").asText()))
          .as("sends of %s", m.path("id"))
          .isLessThanOrEqualTo(1);
    }
    assertThat(client.get("/v1/sendouts/" + id + "/audit").body().toString())
        .contains("RESTART")
        .contains("TERMINATED");
  }

  @Test
  void anEmailWorkerStoppedGracefullyFinishesItsCallsFirstAndLeavesNothingInDoubt()
      throws Exception {
    client.receipts("{\"deliveryDelayMs\":200}");
    ConfigurableApplicationContext emailWorker = engine.startWorker(EMAIL_ONLY);
    client.sandbox("PUT", "/sandbox/sendgrid/faults", "{\"latencyMs\":3000}");
    String id =
        client
            .createSendout(EngineClient.emailSendout(GRACEFUL_RECIPIENTS).toString(), null)
            .body()
            .path("id")
            .asText();
    // The batches' calls are on their way to a SendGrid that takes three seconds.
    awaitCallInFlight(id, null);

    long before = System.nanoTime();
    emailWorker.close();
    Duration stopping = Duration.ofNanos(System.nanoTime() - before);
    client.sandbox("PUT", "/sandbox/sendgrid/faults", "{\"latencyMs\":0}");

    assertThat(stopping).as("the stop waited for the call").isGreaterThan(Duration.ofSeconds(1));
    JsonNode done =
        client.awaitSendout(
            id,
            Duration.ofSeconds(60),
            s -> s.path("messages").path("DELIVERED").asInt() == GRACEFUL_RECIPIENTS);
    assertThat(done.path("messages").path("UNCONFIRMED").asInt()).isZero();
    for (JsonNode m : client.messagesOf(id)) {
      assertThat(m.path("attemptCount").asInt()).as("sent in one attempt").isOne();
    }
  }

  /**
   * The sendout's messages once the receipts of every message SendGrid took have arrived; an
   * in-doubt message that SendGrid did take is UNCONFIRMED until its receipt is applied.
   */
  private static List<JsonNode> settled(String id) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (true) {
      List<JsonNode> messages = client.messagesOf(id);
      boolean awaitingReceipt =
          messages.stream()
              .anyMatch(
                  m ->
                      "UNCONFIRMED".equals(m.path("status").asText())
                          && client.sandboxSendCount(m.path("id").asText()) > 0);
      if (!awaitingReceipt || Instant.now().isAfter(deadline)) {
        return messages;
      }
      Thread.sleep(500);
    }
  }

  /**
   * Waits until a provider call of the sendout is in flight: a message whose send has started, and,
   * given a status, that still has it (not yet ACCEPTED).
   */
  private static void awaitCallInFlight(String id, String status) throws InterruptedException {
    String sql =
        "select count(*) from message where send_started_at is not null and sendout_id = '"
            + id
            + "'"
            + (status == null ? "" : " and status = '" + status + "'");
    EngineClient.await(
        () -> {
          try {
            return !client.queryRow(sql).get(0).equals("0");
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        },
        Duration.ofSeconds(30),
        "a call in flight");
  }
}
