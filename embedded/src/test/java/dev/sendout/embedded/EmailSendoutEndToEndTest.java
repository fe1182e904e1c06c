package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sendout.embedded.EngineClient.Reply;
import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole engine in one process, as the README runs it: HTTP in, Temporal workflows on the test
 * server, the worker, Postgres, and the sandbox SendGrid counting what it accepted and sending
 * signed delivery receipts back to the api.
 */
class EmailSendoutEndToEndTest {

  private static EngineClient client;

  @BeforeAll
  static void connect() {
    client = new EngineClient(SharedEngine.get());
  }

  @BeforeEach
  void noFaults() {
    client.resetSandbox();
  }

  private static boolean completed(JsonNode sendout) {
    return "COMPLETED".equals(sendout.path("status").asText());
  }

  @Test
  void everyMessageOfAThousandRecipientSendoutIsSentExactlyOnceAndConfirmedDelivered()
      throws Exception {
    Reply created = client.createSendout(EngineClient.emailSendout(1000).toString(), null);

    assertThat(created.status()).isEqualTo(202);
    String id = created.body().path("id").asText();
    assertThat(created.header("Location")).isEqualTo("/v1/sendouts/" + id);

    JsonNode done =
        client.awaitSendout(id, Duration.ofSeconds(60), EmailSendoutEndToEndTest::completed);

    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(1000);
    assertThat(done.path("stuck").isNull()).isTrue();
    assertThat(done.path("releasedAt").isNull()).isFalse();
    assertThat(done.path("sentAt").isNull()).isFalse();
    assertThat(done.path("receiptTimeout").asText()).isEqualTo("PT24H");
    // The store says COMPLETED from within the workflow's last task, before that task's commands
    // (the status upsert among them) reach the server: wait for them.
    String workflowId = done.path("workflowId").asText();
    EngineClient.await(
        () ->
            "COMPLETED"
                .equals(
                    client
                        .searchAttributes(workflowId)
                        .get(SendoutSearchAttributes.SENDOUT_STATUS)),
        Duration.ofSeconds(10),
        "SendoutStatus=COMPLETED");
    assertThat(client.searchAttributes(workflowId).get(SendoutSearchAttributes.STUCK)).isFalse();
    List<JsonNode> messages = client.messagesOf(id);
    assertThat(messages).hasSize(1000);
    for (JsonNode m : messages) {
      assertThat(m.path("status").asText()).isEqualTo("DELIVERED");
      assertThat(client.sandboxSendCount(m.path("id").asText()))
          .as("sends of %s", m.path("id"))
          .isEqualTo(1);
    }
    JsonNode rendered =
        client
            .sandbox(
                "GET", "/sandbox/sendgrid/messages/" + messages.get(7).path("id").asText(), null)
            .body();
    assertThat(rendered.path("subject").asText()).isEqualTo("U7, how was your visit?");
    assertThat(rendered.path("text").asText())
        .isEqualTo("Hello U7, tell us: https://s.example.com/7");
  }

  /**
   * An address added again before the send (another spelling of its case) goes out in a SendGrid
   * request of its own: SendGrid, and the sandbox, refuse a request that names an address twice,
   * which failed both invitations.
   */
  @Test
  void anAddressInvitedTwiceInOneBatchGoesOutTwice() throws Exception {
    var body = EngineClient.emailSendout(2);
    body.put("sendAt", Instant.now().plusSeconds(5).toString());
    Reply created = client.createSendout(body.toString(), null);
    assertThat(created.status()).isEqualTo(202);
    String id = created.body().path("id").asText();
    Reply added =
        client.post(
            "/v1/sendouts/" + id + "/recipients",
            """
            {"recipients": [{"email": "USER0@example.com",
              "variables": {"firstName": "Again", "surveyUrl": "https://s.example.com/again"}}]}""",
            null);
    assertThat(added.status()).isEqualTo(202);

    JsonNode done =
        client.awaitSendout(id, Duration.ofSeconds(60), EmailSendoutEndToEndTest::completed);

    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(3);
    List<JsonNode> toUser0 =
        client.messagesOf(id).stream()
            .filter(m -> m.path("address").asText().equalsIgnoreCase("user0@example.com"))
            .toList();
    assertThat(toUser0).hasSize(2);
    assertThat(toUser0.get(0).path("providerMessageId").asText())
        .isNotEqualTo(toUser0.get(1).path("providerMessageId").asText());
  }

  @Test
  void repeatingARequestWithTheSameIdempotencyKeyCreatesNothingNew() throws Exception {
    String key = "retry-" + UUID.randomUUID();
    String body = EngineClient.emailSendout(3).toString();

    Reply first = client.createSendout(body, key);
    Reply second = client.createSendout(body, key);

    assertThat(first.status()).isEqualTo(202);
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.body().path("id").asText()).isEqualTo(first.body().path("id").asText());
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    try (var db = DriverManager.getConnection(SharedEngine.get().databaseUrl(), "postgres", "");
        var count =
            db.prepareStatement(
                "select count(*), (select count(*) from message m where m.sendout_id = min(s.id::text)::uuid)"
                    + " from sendout s where idempotency_key = ?")) {
      count.setString(1, key);
      var rows = count.executeQuery();
      rows.next();
      assertThat(rows.getInt(1)).as("sendouts under the key").isEqualTo(1);
      assertThat(rows.getInt(2)).as("messages of that sendout").isEqualTo(3);
    }
    client.awaitSendout(
        first.body().path("id").asText(),
        Duration.ofSeconds(30),
        EmailSendoutEndToEndTest::completed);
  }

  @Test
  void apiDescribesItselfWithOpenApiAndSwaggerUi() {
    Reply docs = client.get("/v3/api-docs");

    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.body().path("paths").has("/v1/sendouts")).isTrue();
    assertThat(docs.body().path("paths").has("/v1/sendouts/{id}")).isTrue();
    assertThat(docs.body().path("paths").has("/v1/sendouts/{id}/messages")).isTrue();
    assertThat(client.get("/swagger-ui/index.html").raw().body()).contains("Swagger UI");
  }
}
