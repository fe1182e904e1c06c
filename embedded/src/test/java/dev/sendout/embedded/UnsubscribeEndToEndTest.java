package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One-click unsubscribe end to end: the email the sandbox SendGrid received carries both RFC 8058
 * headers; a GET of its link shows a page and changes nothing; a POST of the link puts the address
 * on the tenant's list as UNSUBSCRIBED, and the next sendout to it shows that message SUPPRESSED,
 * unsent. A forged or altered token is a 4xx problem.
 */
class UnsubscribeEndToEndTest {

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

  private String sendout(String address) {
    ObjectNode body = EngineClient.emailSendout(0);
    body.putArray("recipients")
        .addObject()
        .put("email", address)
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

  private EngineClient.Reply suppression(String address) {
    return client.get("/v1/suppressions/" + address.replace("@", "%40"));
  }

  @Test
  void theLinkInTheSandboxsRecordUnsubscribesOnPostOnlyAndTheNextSendoutIsSuppressed()
      throws Exception {
    String address = "leaving-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    String first = sendout(address);
    completed(first);
    String messageId = client.messagesOf(first).get(0).path("id").asText();

    JsonNode headers =
        client
            .sandbox("GET", "/sandbox/sendgrid/messages/" + messageId, null)
            .body()
            .path("headers");
    String list = headers.path("List-Unsubscribe").asText();
    assertThat(list)
        .matches("<http://localhost:\\d+/u/[A-Za-z0-9_-]{44}>")
        .doesNotContain("leaving");
    assertThat(headers.path("List-Unsubscribe-Post").asText())
        .isEqualTo("List-Unsubscribe=One-Click");
    String url = list.substring(1, list.length() - 1);

    var page = client.anonymous("GET", url, null, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.raw().body()).contains("<form method=\"post\"").contains("<button");
    assertThat(suppression(address).status()).as("a GET changes nothing").isEqualTo(404);

    String token = url.substring(url.lastIndexOf('/') + 1);
    String altered =
        token.substring(0, 10) + (token.charAt(10) == 'A' ? 'B' : 'A') + token.substring(11);
    String base = url.substring(0, url.lastIndexOf('/') + 1);
    var forged = client.anonymous("POST", base + altered, null, null);
    assertThat(forged.status()).isEqualTo(404);
    assertThat(forged.header("Content-Type")).startsWith("application/problem+json");
    assertThat(client.anonymous("POST", base + "not-a-token", null, null).status()).isEqualTo(404);
    assertThat(client.anonymous("GET", base + altered, null, null).status()).isEqualTo(404);
    assertThat(suppression(address).status()).isEqualTo(404);

    var unsubscribed =
        client.anonymous(
            "POST", url, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
    assertThat(unsubscribed.status()).as(unsubscribed.raw().body()).isEqualTo(200);
    var again = client.anonymous("POST", url, null, null);
    assertThat(again.status()).as("idempotent, with any body").isEqualTo(200);

    var entry = suppression(address);
    assertThat(entry.status()).as(entry.raw().body()).isEqualTo(200);
    assertThat(entry.body().path("reason").asText()).isEqualTo("UNSUBSCRIBED");
    assertThat(entry.body().path("source").asText()).isEqualTo("unsubscribe:" + messageId);
    assertThat(client.anonymous("GET", url, null, null).status()).isEqualTo(200);
    assertThat(suppression(address).status()).as("a GET does not resubscribe").isEqualTo(200);

    String second = sendout(address);
    JsonNode done = completed(second);
    assertThat(done.path("messages").path("SUPPRESSED").asInt()).isEqualTo(1);
    JsonNode message = client.messagesOf(second).get(0);
    assertThat(message.path("status").asText()).isEqualTo("SUPPRESSED");
    assertThat(message.path("lastError").asText()).startsWith("Suppressed: UNSUBSCRIBED");
    assertThat(client.sandboxSendCount(message.path("id").asText())).isZero();
  }
}
