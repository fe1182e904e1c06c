package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The suppression list end to end: a signed SendGrid hard bounce puts the address on the tenant's
 * list, and the tenant's next sendout to it shows that message SUPPRESSED, never handed to the
 * sandbox SendGrid, while the sendout completes with its other messages delivered.
 */
class SuppressionEndToEndTest {

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

  /** An email sendout to these addresses, created through the API. */
  private String sendout(String... addresses) {
    ObjectNode body = EngineClient.emailSendout(0);
    ArrayNode recipients = body.putArray("recipients");
    for (String address : addresses) {
      recipients
          .addObject()
          .put("email", address)
          .putObject("variables")
          .put("firstName", "Ana")
          .put("surveyUrl", "https://s.example.com/x");
    }
    var created = client.createSendout(body.toString(), null);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(202);
    return created.body().path("id").asText();
  }

  private JsonNode completed(String id) throws InterruptedException {
    return client.awaitCompleted(id, Duration.ofSeconds(60));
  }

  private static JsonNode byAddress(Iterable<JsonNode> messages, String address) {
    for (JsonNode m : messages) {
      if (m.path("address").asText().equals(address)) {
        return m;
      }
    }
    throw new AssertionError("No message to " + address);
  }

  @Test
  void aHardBounceSuppressesTheAddressAndTheNextSendoutShowsItSuppressedUnsentAndCompletes()
      throws Exception {
    // Addresses of this run alone: the engine, and its development tenant's list, are shared.
    String run = UUID.randomUUID().toString().substring(0, 8);
    String bouncing = "bounce-" + run + "@Example.COM";
    String fine = "fine-" + run + "@example.com";
    String first = sendout(bouncing);
    completed(first);
    JsonNode sent = client.messagesOf(first).get(0);

    ObjectNode bounce =
        (ObjectNode) EngineClient.JSON.readTree(EngineClient.sendGridEvent("bounce", sent));
    bounce.put("type", "bounce").put("reason", "550 5.1.1 The email account does not exist");
    var reply =
        client.postSendGridEvents(
            "[" + bounce + "]", engine.receiptKeys().getPrivate(), Instant.now());

    assertThat(reply.status()).isEqualTo(200);
    var entry = client.get("/v1/suppressions/bounce-" + run + "%40example.com");
    assertThat(entry.status()).as(entry.raw().body()).isEqualTo(200);
    assertThat(entry.body().path("reason").asText()).isEqualTo("HARD_BOUNCE");
    assertThat(entry.body().path("source").asText())
        .isEqualTo("sendgrid:bounce:" + bounce.path("sg_event_id").asText());

    String second = sendout(bouncing, fine);
    JsonNode done = completed(second);

    assertThat(done.path("messages").path("SUPPRESSED").asInt()).isEqualTo(1);
    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(1);
    assertThat(done.path("stuck").isNull()).isTrue();
    var messages = client.messagesOf(second);
    JsonNode suppressed = byAddress(messages, bouncing);
    assertThat(suppressed.path("status").asText()).isEqualTo("SUPPRESSED");
    assertThat(suppressed.path("lastError").asText()).startsWith("Suppressed: HARD_BOUNCE");
    assertThat(client.sandboxSendCount(suppressed.path("id").asText()))
        .as("the sandbox SendGrid never got it")
        .isZero();
    JsonNode delivered = byAddress(messages, fine);
    assertThat(delivered.path("status").asText()).isEqualTo("DELIVERED");
    assertThat(client.sandboxSendCount(delivered.path("id").asText())).isOne();
    var listed = client.get("/v1/sendouts/" + second + "/messages?status=SUPPRESSED");
    assertThat(listed.body().path("items").size()).isOne();
  }

  @Test
  void aSendoutWhoseEveryRecipientIsSuppressedCompletesWithoutSendingAnything() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String address = "manual-" + run + "@example.com";
    var added = client.post("/v1/suppressions", "{\"address\":\"" + address + "\"}", null);
    assertThat(added.status()).as(added.raw().body()).isEqualTo(201);

    String id = sendout(address);
    JsonNode done = completed(id);

    assertThat(done.path("messages").path("SUPPRESSED").asInt()).isEqualTo(1);
    JsonNode message = client.messagesOf(id).get(0);
    assertThat(message.path("lastError").asText()).startsWith("Suppressed: MANUAL (api");
    assertThat(client.sandboxSendCount(message.path("id").asText())).isZero();
  }
}
