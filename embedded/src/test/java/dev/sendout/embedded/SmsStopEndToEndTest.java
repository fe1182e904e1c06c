package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SMS STOP end to end: the sandbox Vonage posts a recipient's signed reply to the inbound webhook;
 * STOP puts the number on the tenant's list, and the next SMS sendout to it shows that message
 * SUPPRESSED, never handed to the sandbox; START lifts it (in the audit trail) but not an entry a
 * person made; an unsigned reply is refused with 401.
 */
class SmsStopEndToEndTest {

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

  private String sendout(String number) {
    ObjectNode body = EngineClient.smsSendout(0);
    body.putArray("recipients")
        .addObject()
        .put("phone", number)
        .putObject("variables")
        .put("firstName", "Ana")
        .put("surveyUrl", "https://s.example.com/x");
    var created = client.createSendout(body.toString(), null);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(202);
    return created.body().path("id").asText();
  }

  private JsonNode completed(String id) throws InterruptedException {
    return client.awaitCompleted(id, Duration.ofSeconds(60));
  }

  /** The recipient answers through the sandbox; returns what the api answered the sandbox. */
  private JsonNode reply(String number, String text, boolean signed) throws Exception {
    ObjectNode request = EngineClient.JSON.createObjectNode();
    request.put("from", number.substring(1)).put("to", "Surveys").put("text", text);
    request.put("signed", signed);
    var answer = client.sandbox("POST", "/sandbox/vonage/inbound", request.toString());
    assertThat(answer.status()).as(answer.raw().body()).isEqualTo(200);
    return answer.body();
  }

  private EngineClient.Reply suppression(String number) {
    return client.get("/v1/suppressions/" + number.replace("+", "%2B"));
  }

  @Test
  void aSignedStopSuppressesTheNumberAndStartLiftsIt() throws Exception {
    String number = "+4477%08d".formatted(ThreadLocalRandom.current().nextInt(100_000_000));
    completed(sendout(number));

    JsonNode unsigned = reply(number, "STOP", false);
    assertThat(unsigned.path("webhookStatus").asInt()).isEqualTo(401);
    var forged =
        client.anonymous(
            "POST",
            "http://127.0.0.1:" + engine.apiPort() + "/webhooks/vonage/inbound",
            "application/json",
            unsigned.path("posted").toString());
    assertThat(forged.status()).isEqualTo(401);
    assertThat(suppression(number).status()).isEqualTo(404);

    JsonNode other = reply(number, "Thanks!", true);
    assertThat(other.path("webhookStatus").asInt()).isEqualTo(200);
    assertThat(other.path("webhookBody").asText()).contains("\"OTHER\"");
    assertThat(suppression(number).status()).isEqualTo(404);

    JsonNode stop = reply(number, "  Stop ", true);
    assertThat(stop.path("webhookStatus").asInt()).as(stop.toString()).isEqualTo(200);
    var entry = suppression(number);
    assertThat(entry.status()).as(entry.raw().body()).isEqualTo(200);
    assertThat(entry.body().path("reason").asText()).isEqualTo("SMS_STOP");
    assertThat(entry.body().path("source").asText())
        .isEqualTo("vonage:inbound:" + stop.path("posted").path("message_uuid").asText());
    JsonNode again = reply(number, "QUIT", true);
    assertThat(again.path("webhookBody").asText()).contains("\"changed\":0");

    String second = sendout(number);
    JsonNode done = completed(second);
    assertThat(done.path("messages").path("SUPPRESSED").asInt()).isEqualTo(1);
    JsonNode message = client.messagesOf(second).get(0);
    assertThat(message.path("status").asText()).isEqualTo("SUPPRESSED");
    assertThat(message.path("lastError").asText()).startsWith("Suppressed: SMS_STOP");
    assertThat(client.sandboxSmsSendCount(message.path("id").asText())).isZero();

    JsonNode start = reply(number, "start", true);
    assertThat(start.path("webhookBody").asText()).contains("\"changed\":1");
    assertThat(suppression(number).status()).isEqualTo(404);
    String subject = "SMS " + number;
    assertThat(
            client.queryRow(
                "select action, actor from audit_event where subject = '"
                    + subject
                    + "' order by id desc limit 1"))
        .containsExactly(
            "SUPPRESSION_REMOVED",
            "vonage:inbound:" + start.path("posted").path("message_uuid").asText());

    var manual = client.post("/v1/suppressions", "{\"address\":\"" + number + "\"}", null);
    assertThat(manual.status()).as(manual.raw().body()).isEqualTo(201);
    reply(number, "START", true);
    assertThat(suppression(number).body().path("reason").asText())
        .as("START lifts only a STOP")
        .isEqualTo("MANUAL");
  }
}
