package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sendout.embedded.EngineClient.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Survey responses through the whole engine: responses reported while the invitations still wait
 * for their send time are recorded, and the invitations are still sent and confirmed DELIVERED; an
 * NDJSON import after delivery that repeats them counts each recipient once; the sendout shows the
 * responses beside its delivery counts.
 */
class ResponsesEndToEndTest {

  private static EngineClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void connect() {
    client = new EngineClient(SharedEngine.get());
  }

  @BeforeEach
  void noFaults() {
    client.resetSandbox();
  }

  private static String respondents(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> "{\"externalId\":\"resp-" + i + "\"}")
        .collect(Collectors.joining("\n", "", "\n"));
  }

  private JsonNode importResponses(String id, String ndjson) throws Exception {
    HttpResponse<String> reply =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + SharedEngine.get().apiPort()
                            + "/v1/sendouts/"
                            + id
                            + "/responses"))
                .header("Authorization", "Bearer " + SharedEngine.get().devApiKey())
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return EngineClient.JSON.readTree(reply.body()).path("totals");
  }

  /**
   * Responses are counted once whenever they come. Those recorded before the send time cancel their
   * invitations, which would otherwise have asked people who had answered to answer (a
   * survey-features audit saw one go out in the same second as its thank-you); those after the send
   * move no delivery.
   */
  @Test
  void responsesBeforeTheSendCancelThoseInvitationsAndAfterItLeaveDeliveryAlone() throws Exception {
    // Five seconds past the engine's clock, which other tests move days ahead of the wall clock: a
    // send time already past there would be released at once, racing the early responses.
    Instant engineNow = client.engineTime();
    Instant sendAt = (engineNow.isAfter(Instant.now()) ? engineNow : Instant.now()).plusSeconds(5);
    ObjectNode body = EngineClient.emailSendout(200).put("sendAt", sendAt.toString());
    int i = 0;
    for (JsonNode recipient : body.path("recipients")) {
      ((ObjectNode) recipient).put("externalId", "resp-" + i++);
    }
    Reply created = client.createSendout(body.toString(), null);
    assertThat(created.status()).isEqualTo(202);
    String id = created.body().path("id").asText();

    // Before the send time: the survey platform knows of answers we have not even sent for.
    String early =
        IntStream.range(0, 40)
            .mapToObj(n -> "{\"externalId\":\"resp-" + n + "\"}")
            .collect(Collectors.joining(",", "{\"responses\":[", "]}"));
    Reply first = client.post("/v1/sendouts/" + id + "/responses", early, null);
    assertThat(first.status()).as(first.raw().body()).isEqualTo(200);
    assertThat(first.body().path("totals").path("recorded").asInt()).isEqualTo(40);
    String firstTime = client.messagesOf(id).get(0).path("respondedAt").asText();

    JsonNode done =
        client.awaitSendout(
            id,
            Duration.ofSeconds(90),
            sendout -> "COMPLETED".equals(sendout.path("status").asText()));
    JsonNode imported = importResponses(id, respondents(0, 80) + "{\"externalId\":\"nobody\"}\n");

    assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(160);
    assertThat(done.path("messages").path("CANCELLED").asInt()).isEqualTo(40);
    assertThat(imported.path("recorded").asInt()).isEqualTo(40);
    assertThat(imported.path("alreadyRecorded").asInt()).isEqualTo(40);
    assertThat(imported.path("unknown").asInt()).isEqualTo(1);
    JsonNode view = client.get("/v1/sendouts/" + id).body();
    assertThat(view.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(view.path("messages").path("DELIVERED").asInt()).isEqualTo(160);
    JsonNode responses = view.path("responses");
    assertThat(responses.path("responded").asInt()).isEqualTo(80);
    assertThat(responses.path("rate").asDouble()).isEqualTo(0.4);
    assertThat(responses.path("deliveredResponded").asInt()).isEqualTo(40);
    assertThat(responses.path("deliveredRate").asDouble()).isEqualTo(0.25);
    List<JsonNode> messages = client.messagesOf(id);
    assertThat(messages.get(0).path("respondedAt").asText())
        .as("the first response is final")
        .isEqualTo(firstTime);
    assertThat(messages.get(0).path("externalId").asText()).isEqualTo("resp-0");
    assertThat(messages.get(80).path("respondedAt").isNull()).isTrue();
    assertThat(messages.subList(0, 40))
        .allSatisfy(
            m -> {
              assertThat(m.path("status").asText()).isEqualTo("CANCELLED");
              assertThat(m.path("lastError").asText())
                  .isEqualTo("The recipient responded before this invitation went out");
            });
    assertThat(messages.subList(40, 200))
        .allSatisfy(m -> assertThat(m.path("status").asText()).isEqualTo("DELIVERED"));
  }
}
