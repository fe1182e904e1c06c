package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Receipts end to end: the sandbox SendGrid accepts every message and then reports on it, or stays
 * silent, through the signed Event Webhook; the engine trusts only what is signed, and flags what
 * stays silent past the receipt deadline.
 */
class EmailReceiptsEndToEndTest {

  private static EmbeddedEngine engine;
  private static EngineClient client;

  @BeforeAll
  static void connect() {
    engine = SharedEngine.get();
    client = new EngineClient(engine);
  }

  @AfterEach
  void resetSandbox() {
    client.resetSandbox();
  }

  private String createSendout(int recipients, String receiptTimeout) {
    var body = EngineClient.emailSendout(recipients).put("receiptTimeout", receiptTimeout);
    var created = client.createSendout(body.toString(), null);
    assertThat(created.status()).isEqualTo(202);
    return created.body().path("id").asText();
  }

  private static int count(JsonNode sendout, String status) {
    return sendout.path("messages").path(status).asInt();
  }

  @Test
  void silentMessagesEndUnconfirmedAndFlaggedAtTheDeadlineAndLateReceiptsOrAResponseEndTheWait()
      throws Exception {
    // A clean slate for the sandbox's counters, so that its count of posted events is this test's.
    client.sandbox("DELETE", "/sandbox/sendgrid/messages", null);
    client.receipts("{\"silenceRate\":0.1,\"duplicates\":5,\"outOfOrderRate\":0.2}");
    String id = createSendout(300, "PT1M");

    JsonNode stuck =
        client.awaitSendout(
            id,
            Duration.ofSeconds(120),
            s ->
                count(s, "DELIVERED") + count(s, "UNCONFIRMED") == 300
                    && !s.path("stuck").isNull());

    List<JsonNode> silent = new ArrayList<>();
    for (JsonNode m : client.messagesOf(id)) {
      String fate =
          client
              .sandbox("GET", "/sandbox/sendgrid/messages/" + m.path("id").asText(), null)
              .body()
              .path("fate")
              .path("outcome")
              .asText();
      assertThat(client.sandboxSendCount(m.path("id").asText())).isEqualTo(1);
      if ("SILENT".equals(fate)) {
        silent.add(m);
        assertThat(m.path("status").asText())
            .as("silent %s", m.path("id"))
            .isEqualTo("UNCONFIRMED");
        assertThat(m.path("lastError").asText()).contains("No receipt");
      } else {
        assertThat(m.path("status").asText())
            .as("reported %s", m.path("id"))
            .isEqualTo("DELIVERED");
      }
    }
    assertThat(silent).isNotEmpty();
    assertThat(count(stuck, "UNCONFIRMED")).isEqualTo(silent.size());
    assertThat(stuck.path("status").asText()).isEqualTo("SENT");
    assertThat(stuck.path("stuck").path("reason").asText()).isEqualTo("NO_RECEIPT");
    assertThat(stuck.path("stuck").path("messages").asInt()).isEqualTo(silent.size());
    int posted =
        client
            .sandbox("GET", "/sandbox/sendgrid/stats", null)
            .body()
            .path("receipts")
            .path("eventsPosted")
            .asInt();
    assertThat(posted).isPositive();
    assertThat(client.storedReceipts(id) * 5).as("each of 5 copies stored once").isEqualTo(posted);
    // 300 messages fit one batch, which the sendout workflow sends inline: its flag is the one.
    client.awaitStuckFlag(stuck.path("workflowId").asText(), true);

    // One silent recipient responds, which proves the invitation arrived: it stays UNCONFIRMED
    // (DELIVERED is what the provider confirms) but is waited for no more, nor flagged.
    JsonNode responder = silent.remove(0);
    var responded =
        client.post(
            "/v1/sendouts/" + id + "/responses",
            "{\"responses\":[{\"messageId\":\"%s\"}]}".formatted(responder.path("id").asText()),
            null);
    assertThat(responded.status()).as(responded.raw().body()).isEqualTo(200);
    assertThat(responded.body().path("totals").path("recorded").asInt()).isOne();

    // The provider speaks at last: late receipts settle the others and clear the flag.
    StringBuilder late = new StringBuilder("[");
    for (JsonNode m : silent) {
      late.append(late.length() > 1 ? "," : "").append(EngineClient.sendGridEvent("delivered", m));
    }
    var reply =
        client.postSendGridEvents(
            late.append(']').toString(), engine.receiptKeys().getPrivate(), Instant.now());
    assertThat(reply.status()).isEqualTo(200);

    // A watchdog pass between the deadline and the late receipts opens a NO_RECEIPT finding, which
    // its next pass (a minute on) closes: wait past it.
    JsonNode completed =
        client.awaitSendout(
            id,
            Duration.ofSeconds(90),
            s -> "COMPLETED".equals(s.path("status").asText()) && s.path("stuck").isNull());
    assertThat(count(completed, "DELIVERED")).isEqualTo(299);
    assertThat(count(completed, "UNCONFIRMED")).isOne();
    client.awaitStuckFlag(completed.path("workflowId").asText(), false);
  }

  @Test
  void aForgedStaleOrUnsignedWebhookChangesNothingAndASignedOneDoes() throws Exception {
    client.receipts("{\"silenceRate\":1.0}");
    String id = createSendout(1, "PT24H");
    client.awaitSendout(id, Duration.ofSeconds(30), s -> "SENT".equals(s.path("status").asText()));
    JsonNode message = client.messagesOf(id).get(0);
    String delivered = "[" + EngineClient.sendGridEvent("delivered", message) + "]";

    var forged =
        client.postSendGridEvents(
            delivered, EmbeddedEngine.receiptKeyPair().getPrivate(), Instant.now());
    var stale =
        client.postSendGridEvents(
            delivered, engine.receiptKeys().getPrivate(), Instant.now().minusSeconds(3600));
    var unsigned = client.postUnsignedSendGridEvents(delivered);

    assertThat(forged.status()).isEqualTo(403);
    assertThat(forged.body().path("type").asText())
        .isEqualTo("urn:sendout:problem:signature-invalid");
    assertThat(stale.status()).isEqualTo(403);
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(client.messagesOf(id).get(0).path("status").asText()).isEqualTo("ACCEPTED");
    assertThat(client.storedReceipts(id)).isZero();

    var signed =
        client.postSendGridEvents(delivered, engine.receiptKeys().getPrivate(), Instant.now());

    assertThat(signed.status()).isEqualTo(200);
    assertThat(signed.body().path("received").asInt()).isEqualTo(1);
    client.awaitCompleted(id, Duration.ofSeconds(30));
    assertThat(client.messagesOf(id).get(0).path("status").asText()).isEqualTo("DELIVERED");
  }

  @Test
  void aMalformedSignedBodyIsRefusedWith400() {
    var reply =
        client.postSendGridEvents("{\"event\":", engine.receiptKeys().getPrivate(), Instant.now());

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().path("type").asText()).isEqualTo("urn:sendout:problem:malformed-json");
  }

  /**
   * A signed body with values wider than the receipt table's columns (an event type of 40
   * characters) or a NUL (which Postgres keeps in neither text nor jsonb) is stored, its type cut
   * to the column and the NUL replaced: refused, it would be refused again at every redelivery, and
   * the other events of its call lost with it.
   */
  @Test
  void aSignedEventWiderThanItsColumnsOrWithANulIsStoredNotRefused() throws Exception {
    String id = UUID.randomUUID().toString();
    String event =
        """
        [{"email":"a@example.com","timestamp":1700000000,"event":"%s","sg_event_id":"%s",\
        "reason":"a\\u0000b"}]"""
            .formatted("x".repeat(40), id);

    var reply = client.postSendGridEvents(event, engine.receiptKeys().getPrivate(), Instant.now());

    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
    assertThat(
            client.queryRow(
                "select event_type, payload->>'reason' from receipt where event_id = '" + id + "'"))
        .containsExactly("x".repeat(32), "a\uFFFDb");
  }
}
