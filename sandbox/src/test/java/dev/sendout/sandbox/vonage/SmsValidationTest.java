package dev.sendout.sandbox.vonage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Sends raw bodies the SDK would not build, to pin down which requests the fake Vonage refuses and
 * with which parameter names.
 */
class SmsValidationTest extends VonageIntegrationTest {

  @Test
  void acceptsTheSdkShapeWithExtraFieldsItDoesNotKnow() throws Exception {
    HttpResponse<String> response =
        postRaw(
            """
            {"message_type":"text","channel":"sms","to":"447700900123","from":"Surveys",
             "text":"Hi","client_ref":"ref-1","sms":{"encoding_type":"text"},"ttl":600}
            """);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    String messageUuid = json(response.body()).get("message_uuid").asString();
    assertThat(message(messageUuid).get("clientRef").asString()).isEqualTo("ref-1");
  }

  @Test
  void acceptsANumericSenderAndNoClientRef() throws Exception {
    assertThat(postRaw(body("447700900123", "447700900999", "Hi", null)).statusCode())
        .isEqualTo(202);
  }

  @Test
  void refusesRecipientsThatAreNotPlainE164Digits() throws Exception {
    for (String to :
        List.of("+447700900123", "0447700900", "123456", "1234567890123456", "44 77")) {
      assertThat(invalidNames(postRaw(body(to, "Surveys", "Hi", "r"))))
          .as(to)
          .containsExactly("to");
    }
    assertThat(postRaw(body("1234567", "Surveys", "Hi", "r")).statusCode()).isEqualTo(202);
    assertThat(postRaw(body("123456789012345", "Surveys", "Hi", "r")).statusCode()).isEqualTo(202);
  }

  @Test
  void refusesSendersThatAreNeitherShortAlphanumericNorANumber() throws Exception {
    for (String from : List.of("", "TwelveLetter", "Surveys!", "123456789012345678")) {
      assertThat(invalidNames(postRaw(body(RECIPIENT, from, "Hi", "r"))))
          .as(from)
          .containsExactly("from");
    }
    assertThat(postRaw(body(RECIPIENT, "Eleven Char", "Hi", "r")).statusCode()).isEqualTo(202);
  }

  @Test
  void refusesEmptyOrOverlongTextAndOverlongClientRef() throws Exception {
    assertThat(invalidNames(postRaw(body(RECIPIENT, SENDER, "", "r")))).containsExactly("text");
    assertThat(invalidNames(postRaw(body(RECIPIENT, SENDER, "x".repeat(1001), "r"))))
        .containsExactly("text");
    assertThat(invalidNames(postRaw(body(RECIPIENT, SENDER, "Hi", "r".repeat(101)))))
        .containsExactly("client_ref");
    assertThat(postRaw(body(RECIPIENT, SENDER, "x".repeat(1000), "r".repeat(100))).statusCode())
        .isEqualTo(202);
  }

  @Test
  void reportsEveryProblemAtOnceInVonagesProblemShape() throws Exception {
    HttpResponse<String> response =
        postRaw("{\"message_type\":\"image\",\"channel\":\"whatsapp\",\"client_ref\":7}");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json(response.body());
    assertThat(problem.get("type").asString())
        .isEqualTo("https://developer.vonage.com/api-errors/messages#1150");
    assertThat(problem.get("title").asString()).isEqualTo("Invalid params");
    assertThat(problem.get("instance").asString()).hasSize(36);
    assertThat(invalidNames(response))
        .containsExactly("message_type", "channel", "to", "from", "text", "client_ref");
    assertThat(stats().get("accepted").asLong()).isZero();
  }

  @Test
  void refusesMalformedJsonWith400() throws Exception {
    HttpResponse<String> response = postRaw("{\"to\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode problem = json(response.body());
    assertThat(problem.get("type").asString())
        .isEqualTo("https://developer.vonage.com/api-errors#invalid-json");
    assertThat(problem.has("invalid_parameters")).isFalse();
    assertThat(stats().get("invalid").asLong()).isEqualTo(1);
  }

  private List<String> invalidNames(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    List<String> names = new ArrayList<>();
    json(response.body())
        .get("invalid_parameters")
        .forEach(p -> names.add(p.get("name").asString()));
    return names;
  }

  private String body(String to, String from, String text, String clientRef) {
    StringBuilder json =
        new StringBuilder("{\"message_type\":\"text\",\"channel\":\"sms\"")
            .append(",\"to\":\"")
            .append(to)
            .append("\",\"from\":\"")
            .append(from)
            .append("\",\"text\":\"")
            .append(text)
            .append('"');
    if (clientRef != null) {
      json.append(",\"client_ref\":\"").append(clientRef).append('"');
    }
    return json.append('}').toString();
  }
}
