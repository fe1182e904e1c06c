package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sendout.embedded.EngineClient.Reply;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every caller mistake gets a 4xx RFC 9457 problem detail naming the field, never a 500. */
class SendoutProblemsEndToEndTest {

  private static EngineClient client;

  @BeforeAll
  static void connect() {
    client = new EngineClient(SharedEngine.get());
  }

  private static Arguments invalid(String name, Consumer<ObjectNode> change, String pointer) {
    ObjectNode body = EngineClient.emailSendout(2);
    change.accept(body);
    return Arguments.of(name, body.toString(), pointer);
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        invalid("unknown channel", b -> b.put("channel", "FAX"), "/channel"),
        invalid(
            "invalid email",
            b -> ((ObjectNode) b.withArray("recipients").get(1)).put("email", "not-an-address"),
            "/recipients/1/email"),
        invalid("no recipients", b -> b.putArray("recipients"), "/recipients"),
        invalid(
            "too many recipients",
            b -> b.set("recipients", EngineClient.emailSendout(10_001).get("recipients")),
            "/recipients"),
        invalid(
            "unresolved variable",
            b -> b.put("subject", "Hi {{nickname}}"),
            "/recipients/0/variables"),
        invalid("unparsable sendAt", b -> b.put("sendAt", "next tuesday"), "/sendAt"),
        invalid("missing sender", b -> b.remove("from"), "/from"),
        invalid("misspelt field", b -> b.set("recipeints", b.remove("recipients")), "/recipeints"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRequests")
  void invalidRequestIsA400ProblemNamingTheField(String name, String body, String pointer) {
    Reply reply = client.createSendout(body, null);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
    assertThat(reply.body().path("type").asText()).isEqualTo("urn:sendout:problem:invalid-request");
    assertThat(reply.body().path("errors").findValuesAsText("pointer")).contains(pointer);
    assertThat(reply.raw().body()).doesNotContain("Exception").doesNotContain("at dev.");
  }

  @Test
  void malformedJsonIsA400ProblemSayingWhere() {
    Reply reply = client.createSendout("{\"channel\": \"EMAIL\",", null);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().path("type").asText()).isEqualTo("urn:sendout:problem:malformed-json");
    assertThat(reply.body().path("detail").asText()).contains("line 1");
  }

  @Test
  void bodyOverTheConfiguredSizeIsA413Problem() {
    Reply reply = client.createSendout(" ".repeat(9 * 1024 * 1024), null);

    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.body().path("type").asText()).isEqualTo("urn:sendout:problem:body-too-large");
  }

  @Test
  void unknownSendoutIsA404Problem() {
    Reply unknown = client.get("/v1/sendouts/7f1c1a56-2b1e-4a8c-9d7e-000000000000");
    Reply notAnId = client.get("/v1/sendouts/not-an-id/messages");

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().path("type").asText()).isEqualTo("urn:sendout:problem:not-found");
    assertThat(notAnId.status()).isEqualTo(404);
  }

  @Test
  void sameIdempotencyKeyForADifferentRequestIsA422Problem() {
    client.createSendout(EngineClient.emailSendout(1).toString(), "key-reused");

    Reply reply = client.createSendout(EngineClient.emailSendout(2).toString(), "key-reused");

    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.body().path("type").asText())
        .isEqualTo("urn:sendout:problem:idempotency-key-reused");
  }

  @Test
  void invalidPagingParametersAre400Problems() {
    String id =
        client
            .createSendout(EngineClient.emailSendout(1).toString(), null)
            .body()
            .path("id")
            .asText();

    assertThat(client.get("/v1/sendouts/" + id + "/messages?limit=0").status()).isEqualTo(400);
    assertThat(client.get("/v1/sendouts/" + id + "/messages?status=LOST").status()).isEqualTo(400);
    assertThat(client.get("/v1/sendouts/" + id + "/messages?cursor=bm9wZQ").status())
        .isEqualTo(400);
    assertThat(client.get("/v1/sendouts/" + id + "/messages?limit=abc").status()).isEqualTo(400);
  }
}
