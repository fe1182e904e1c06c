package dev.sendout.embedded;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK_REASON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Incident 2 made impossible: a sendout whose messages are never released is flagged {@code
 * NOT_RELEASED} within its release deadline plus one watchdog period, in the API, in its workflow's
 * search attributes and in the worker's metrics; and a sendout whose workflow was terminated is
 * restarted by the watchdog and completes without any message sent twice.
 *
 * <p>The bugs are injected into Postgres, under the engine, with triggers on the one sendout: one
 * makes the release fail on every attempt, the other makes it silently skip the messages, as the
 * incident's release did.
 */
class WatchdogEndToEndTest {

  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final Duration PERIOD = Duration.ofSeconds(2);

  private static EmbeddedEngine engine;
  private static EngineClient client;

  @BeforeAll
  static void startEngine() throws Exception {
    engine =
        EmbeddedEngine.start(
            EmbeddedEngine.Settings.ephemeral()
                .withWorkerArgument("--sendout.workflow.release-grace=" + GRACE)
                .withWorkerArgument("--sendout.watchdog.period=" + PERIOD)
                .withWorkerArgument("--sendout.metrics.store-gauges.interval=1s")
                .withWorkerArgument("--sendout.workflow.max-batches-in-flight=1")
                .withApiArgument("--sendout.workflow.release-grace=" + GRACE)
                .withApiArgument("--sendout.workflow.max-batches-in-flight=1"));
    client = new EngineClient(engine);
    client.resetSandbox();
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @Test
  void aReleaseFailingForeverIsFlaggedWithinTheDeadlinePlusOnePeriodAndClearsWhenFixed()
      throws Exception {
    Instant sendAt = Instant.now().plusSeconds(4);
    String id = create(5, sendAt);
    client.sql(
        """
        create or replace function fail_release() returns trigger language plpgsql as
          $$ begin raise exception 'release broken (injected by the test)'; end $$;
        create trigger fail_release before update on message for each row
          when (old.sendout_id = '%s' and new.status = 'RELEASED') execute function fail_release();
        """
            .formatted(id));
    Instant deadline = sendAt.plus(GRACE);

    Instant detected = awaitListedStuck(id, "NOT_RELEASED", Duration.ofSeconds(30));

    Duration toDetect = Duration.between(deadline, detected);
    System.out.printf(
        "NOT_RELEASED (failing release) detected %d ms after the deadline%n", toDetect.toMillis());
    // Two periods, and slack for a busy two-core machine.
    assertThat(toDetect).isLessThan(PERIOD.multipliedBy(2).plusSeconds(6));
    // The workflow flags itself by its own timer or on the watchdog's word, in a task of its own.
    EngineClient.await(
        () -> {
          var attributes = client.searchAttributes("sendout-" + id);
          return Boolean.TRUE.equals(attributes.get(STUCK))
              && "NOT_RELEASED".equals(attributes.get(STUCK_REASON));
        },
        Duration.ofSeconds(10),
        "Stuck=true, StuckReason=NOT_RELEASED");
    EngineClient.await(
        () ->
            client.workerGauge("sendout_stuck", "reason=\"NOT_RELEASED\"") >= 1
                && client.workerGauge("sendout_oldest_unreleased_age_seconds", "channel=\"EMAIL\"")
                    > 0,
        Duration.ofSeconds(10),
        "stuck and unreleased-age gauges");

    client.sql("drop trigger fail_release on message");

    client.awaitCompleted(id, Duration.ofSeconds(60));
    // The store says COMPLETED from within the workflow's last task, before that task's commands
    // (dropping the finding from the search attributes) reach the server: wait for them.
    client.awaitStuckFlag("sendout-" + id, false);
    EngineClient.await(
        () -> !listedStuck(id, "NOT_RELEASED"), Duration.ofSeconds(10), "finding cleared");
  }

  @Test
  void aReleaseSilentlySkippingTheMessagesIsCaughtByTheWatchdogAlone() throws Exception {
    Instant sendAt = Instant.now().plusSeconds(4);
    String id = create(5, sendAt);
    client.sql(
        """
        create or replace function skip_release() returns trigger language plpgsql as
          $$ begin return null; end $$;
        create trigger skip_release before update on message for each row
          when (old.sendout_id = '%s' and new.status = 'RELEASED') execute function skip_release();
        """
            .formatted(id));
    try {
      Instant detected = awaitListedStuck(id, "NOT_RELEASED", Duration.ofSeconds(30));

      System.out.printf(
          "NOT_RELEASED (skipped release) detected %d ms after the deadline%n",
          Duration.between(sendAt.plus(GRACE), detected).toMillis());
      JsonNode sendout = client.get("/v1/sendouts/" + id).body();
      // The workflow believed its release and finished: only the watchdog saw the truth.
      assertThat(sendout.path("messages").path("QUEUED").asInt()).isEqualTo(5);
      assertThat(sendout.path("findings").toString()).contains("NOT_RELEASED");
    } finally {
      client.sql("drop trigger skip_release on message");
    }
  }

  /**
   * With a delivery window (open all day) too: the restarted run releases within windows, and the
   * messages the stopped run released but did not send are its to send as well.
   */
  @ParameterizedTest(name = "window: {0}")
  @ValueSource(booleans = {false, true})
  void aTerminatedSendoutWorkflowIsRestartedFromItsRecordAndSendsNoMessageTwice(boolean window)
      throws Exception {
    int recipients = 3000;
    client.sandbox("PUT", "/sandbox/sendgrid/faults", "{\"latencyMs\":1500}");
    try {
      var body = EngineClient.emailSendout(recipients);
      if (window) {
        body.putObject("window").put("start", "00:00").put("end", "23:59");
      }
      var created = client.createSendout(body.toString(), null);
      assertThat(created.status()).as(created.raw().body()).isEqualTo(202);
      String id = created.body().path("id").asText();
      client.awaitTakenByProvider(id, 1000, Duration.ofSeconds(60));

      client.temporal().newUntypedWorkflowStub("sendout-" + id).terminate("test: deleted");

      JsonNode done = client.awaitCompleted(id, Duration.ofSeconds(90));
      assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(recipients);
      for (JsonNode m : client.messagesOf(id)) {
        assertThat(client.sandboxSendCount(m.path("id").asText()))
            .as("sends of %s", m.path("id"))
            .isEqualTo(1);
      }
      assertThat(client.get("/v1/sendouts/" + id + "/audit").body().toString())
          .contains("RESTART")
          .contains("watchdog");
    } finally {
      client.sandbox("PUT", "/sandbox/sendgrid/faults", "{\"latencyMs\":0}");
    }
  }

  @Test
  void aRestartedWorkflowIsPausedOrCancelledAsItsSendoutWas() throws Exception {
    String paused = create(2, Instant.now().plusSeconds(3600));
    assertThat(client.action(paused, "pause", "ann", null).status()).isEqualTo(200);
    // Cancelled while its workflow still awaits the receipts of what it sent.
    client.receipts("{\"silenceRate\": 1.0}");
    String cancelled = create(2, Instant.now());
    try {
      client.awaitSendout(
          cancelled, Duration.ofSeconds(30), s -> s.path("messages").path("ACCEPTED").asInt() == 2);
    } finally {
      client.receipts("{\"silenceRate\": 0.0}");
    }
    assertThat(client.action(cancelled, "cancel", "ann", null).status()).isEqualTo(200);

    for (String id : List.of(paused, cancelled)) {
      client.temporal().newUntypedWorkflowStub("sendout-" + id).terminate("test: terminated");
    }
    for (String id : List.of(paused, cancelled)) {
      EngineClient.await(
          () -> client.get("/v1/sendouts/" + id + "/audit").body().toString().contains("RESTART"),
          Duration.ofSeconds(30),
          id + " restarted");
    }

    // The new run knew it was paused: it resumes.
    assertThat(client.action(paused, "resume", "ann", null).status()).isEqualTo(200);
    // And it knew it was cancelled: its own status says so, not only the store's.
    EngineClient.await(
        () ->
            "CANCELLED".equals(client.searchAttributes("sendout-" + cancelled).get(SENDOUT_STATUS)),
        Duration.ofSeconds(10),
        "the new run CANCELLED");
    assertThat(client.action(cancelled, "resend", "ann", null).body().toString())
        .contains("The sendout is cancelled");
    assertThat(client.get("/v1/sendouts/" + cancelled + "/audit").body().toString())
        .contains("cancelled as the sendout is");
  }

  private static String create(int recipients, Instant sendAt) {
    var body = EngineClient.emailSendout(recipients).put("sendAt", sendAt.toString());
    var reply = client.createSendout(body.toString(), null);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    return reply.body().path("id").asText();
  }

  private static Instant awaitListedStuck(String id, String reason, Duration timeout)
      throws InterruptedException {
    EngineClient.await(() -> listedStuck(id, reason), timeout, id + " listed " + reason);
    return Instant.now();
  }

  private static boolean listedStuck(String id, String reason) {
    JsonNode page = client.get("/v1/sendouts?stuck=true&reason=" + reason).body();
    for (JsonNode item : page.path("items")) {
      if (id.equals(item.path("sendoutId").asText())) {
        return true;
      }
    }
    return false;
  }
}
