package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the watchdog heals and what it flags, end to end (I2, I7): messages queued behind the
 * workflow's back are flagged NOT_RELEASED and then released and delivered without a person; a
 * provider failing every request flags the sendout NOT_SENT with the provider's error, nothing is
 * DELIVERED meanwhile, and after recovery every message goes out once and the flag clears.
 */
class HealingEndToEndTest {

  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final Duration PERIOD = Duration.ofSeconds(2);

  /** The deadline plus two watchdog periods, with slack for a busy two-core machine. */
  private static final Duration DETECTED_WITHIN =
      GRACE.plus(PERIOD.multipliedBy(2)).plusSeconds(10);

  private static EmbeddedEngine engine;
  private static EngineClient client;

  @BeforeAll
  static void startEngine() throws Exception {
    engine =
        EmbeddedEngine.start(
            EmbeddedEngine.Settings.ephemeral()
                .withWorkerArgument("--sendout.workflow.release-grace=" + GRACE)
                .withWorkerArgument("--sendout.watchdog.send-grace=" + GRACE)
                .withWorkerArgument("--sendout.watchdog.period=" + PERIOD)
                .withApiArgument("--sendout.workflow.release-grace=" + GRACE));
    client = new EngineClient(engine);
    client.resetSandbox();
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @AfterEach
  void providersWorkAgain() {
    client.resetSandbox();
    client.sandbox(
        "PUT",
        "/sandbox/vonage/faults",
        "{\"serverErrorRate\": 0.0, \"rejectCredentials\": false}");
  }

  @Test
  void messagesQueuedBehindTheWorkflowsBackAreFlaggedThenReleasedAndDeliveredByTheWatchdog()
      throws Exception {
    // The sendout's own two messages stay without a receipt, so that it stays open.
    client.receipts("{\"silenceRate\": 1.0}");
    String id = create(EngineClient.emailSendout(2));
    client.awaitSendout(
        id, Duration.ofSeconds(30), s -> s.path("messages").path("ACCEPTED").asInt() == 2);
    client.receipts("{\"silenceRate\": 0.0}");

    // The incident's bug: rows written QUEUED, and the workflow never told.
    client.sql(
        """
        insert into message (id, sendout_id, seq, address, display_name, variables, status, queued_at)
        select gen_random_uuid(), '%s', s, 'behind' || s || '@example.com', null,
               '{"firstName": "B", "surveyUrl": "https://s.example.com/b"}'::jsonb, 'QUEUED', now()
        from generate_series(2, 4) s"""
            .formatted(id));
    Instant queued = Instant.now();

    JsonNode flagged =
        client.awaitSendout(id, DETECTED_WITHIN, s -> reasons(s).contains("NOT_RELEASED"));
    System.out.printf(
        "NOT_RELEASED shown %d ms after queueing%n",
        Duration.between(queued, Instant.now()).toMillis());
    assertThat(flagged.path("stuck").path("reasons").toString()).contains("3 messages");

    JsonNode healed =
        client.awaitSendout(
            id,
            DETECTED_WITHIN.plusSeconds(20),
            s ->
                s.path("messages").path("DELIVERED").asInt() == 3
                    && !reasons(s).contains("NOT_RELEASED"));
    System.out.printf(
        "Healed and delivered %d ms after queueing%n",
        Duration.between(queued, Instant.now()).toMillis());
    assertThat(healed.path("messages").path("QUEUED").asInt()).isZero();
    for (JsonNode m : client.messagesOf(id)) {
      if (m.path("seq").asInt() >= 2) {
        assertThat(client.sandboxSendCount(m.path("id").asText())).isEqualTo(1);
      }
    }
    assertThat(client.get("/v1/sendouts/" + id + "/audit").body().toString())
        .contains("HAND_OVER")
        .contains("watchdog");
  }

  /**
   * With a delivery window too: a run started from a completed checkpoint counts its batches as one
   * without windows, so it releases them as one without windows (a second reader found the late
   * messages of a windowed sendout released and never sent).
   */
  @ParameterizedTest(name = "window: {0}")
  @ValueSource(booleans = {false, true})
  void messagesQueuedAfterASendoutCompletedGoOutInANewRunOfItsWorkflow(boolean window)
      throws Exception {
    var body = EngineClient.emailSendout(2);
    if (window) {
      body.putObject("window").put("start", "00:00").put("end", "23:59");
    }
    String id = create(body);
    client.awaitSendout(
        id, Duration.ofSeconds(60), s -> s.path("status").asText().equals("COMPLETED"));

    // What an addition committed while the run was finishing leaves: rows QUEUED, counted in the
    // sendout, and a workflow that completed without them.
    client.sql(
        """
        insert into message (id, sendout_id, seq, address, display_name, variables, status, queued_at)
        select gen_random_uuid(), '%s', s, 'late' || s || '@example.com', null,
               '{"firstName": "L", "surveyUrl": "https://s.example.com/l"}'::jsonb, 'QUEUED', now()
        from generate_series(2, 4) s;
        update sendout set recipient_count = 5 where id = '%s'"""
            .formatted(id, id));

    JsonNode healed =
        client.awaitSendout(
            id,
            DETECTED_WITHIN.plusSeconds(30),
            s ->
                s.path("messages").path("DELIVERED").asInt() == 5
                    && s.path("status").asText().equals("COMPLETED"));

    assertThat(healed.path("messages").path("QUEUED").asInt()).isZero();
    for (JsonNode m : client.messagesOf(id)) {
      assertThat(client.sandboxSendCount(m.path("id").asText())).isEqualTo(1);
    }
    assertThat(client.get("/v1/sendouts/" + id + "/audit").body().toString())
        .contains("handed to a new run of the completed sendout's workflow");
    // Planned once: the first run's batch and one for the late messages, not a second for the
    // same range (which claimed the first one's sends in flight and made them UNCONFIRMED).
    assertThat(
            client
                .temporal()
                .newWorkflowStub(SendoutWorkflow.class, SendoutWorkflow.workflowId(id))
                .progress()
                .batchCount())
        .isEqualTo(2);
  }

  /** How a provider fails every request, as set on the sandbox, and how it recovers. */
  enum ProviderFault {
    SERVER_ERRORS("{\"serverErrorRate\": 1.0}", "{\"serverErrorRate\": 0.0}"),
    REVOKED_KEY("{\"rejectCredentials\": true}", "{\"rejectCredentials\": false}");

    final String on;
    final String off;

    ProviderFault(String on, String off) {
      this.on = on;
      this.off = off;
    }
  }

  /**
   * An outage and a wrong key are both retried, never failed per message, since fixing either sends
   * the messages; the flag must carry the provider's own words so that support can tell which.
   */
  @ParameterizedTest(name = "{0} provider answering {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          EMAIL | SERVER_ERRORS | SendGrid 500: internal server error
          SMS   | SERVER_ERRORS | Vonage 500: Internal error: There was an error processing your request in the Platform.
          EMAIL | REVOKED_KEY   | SendGrid 401: The provided authorization grant is invalid, expired, or revoked
          SMS   | REVOKED_KEY   | Vonage 401: Unauthorized: You did not provide correct credentials.
          """)
  void aProviderFailingEveryRequestIsFlaggedNotSentAndEverythingGoesOutOnceAfter(
      String channel, ProviderFault fault, String providerError) throws Exception {
    boolean email = channel.equals("EMAIL");
    String faults = email ? "/sandbox/sendgrid/faults" : "/sandbox/vonage/faults";
    assertThat(client.sandbox("PUT", faults, fault.on).status()).isEqualTo(200);
    String id = create(email ? EngineClient.emailSendout(3) : EngineClient.smsSendout(3));
    Instant created = Instant.now();

    JsonNode flagged =
        client.awaitSendout(id, DETECTED_WITHIN, s -> reasons(s).contains("NOT_SENT"));
    System.out.printf(
        "NOT_SENT (%s, %s) shown %d ms after creation%n",
        channel, fault, Duration.between(created, Instant.now()).toMillis());
    assertThat(reasons(flagged)).contains("last provider error: " + providerError);
    assertThat(flagged.path("messages").path("DELIVERED").asInt()).isZero();
    for (JsonNode m : client.messagesOf(id)) {
      assertThat(sendCount(email, m)).isZero();
    }

    assertThat(client.sandbox("PUT", faults, fault.off).status()).isEqualTo(200);
    JsonNode done = client.awaitCompleted(id, Duration.ofSeconds(90));
    System.out.printf(
        "COMPLETED (%s, %s) %d ms after creation%n",
        channel, fault, Duration.between(created, Instant.now()).toMillis());
    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(3);
    for (JsonNode m : client.messagesOf(id)) {
      assertThat(sendCount(email, m)).isEqualTo(1);
    }
    if (email) {
      assertThat(
              client
                  .sandbox("GET", "/sandbox/sendgrid/stats", null)
                  .body()
                  .path("duplicates")
                  .asInt())
          .isZero();
    }
    client.awaitSendout(id, DETECTED_WITHIN, s -> s.path("stuck").isNull());
  }

  private static int sendCount(boolean email, JsonNode message) {
    String id = message.path("id").asText();
    return email ? client.sandboxSendCount(id) : client.sandboxSmsSendCount(id);
  }

  private static String create(JsonNode body) {
    var reply = client.createSendout(body.toString(), null);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    return reply.body().path("id").asText();
  }

  private static String reasons(JsonNode sendout) {
    return sendout.path("stuck").path("reasons").toString();
  }
}
