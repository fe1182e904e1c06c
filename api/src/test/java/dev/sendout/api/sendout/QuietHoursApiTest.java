package dev.sendout.api.sendout;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiApplication;
import dev.sendout.api.ApiServerEnvironment;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.tenant.ApiKeys;
import dev.sendout.workflows.message.MessageStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Quiet hours over HTTP against real Postgres: the window and zones a sendout is created with, the
 * zone each message is given, numbers stored in E.164, what waits shown on the sendout and its
 * messages, and a bad window a 400 naming the field.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      ApiApplication.CONFIG_NAME,
      "spring.temporal.test-server.enabled=true",
      "sendout.webhooks.vonage.signature-secret=test-secret"
    })
class QuietHoursApiTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    ApiServerEnvironment.register(registry);
  }

  @LocalServerPort int port;
  @Autowired ApiKeys apiKeys;
  @Autowired SendoutStore sendouts;
  @Autowired DSLContext db;

  private final HttpClient http = HttpClient.newHttpClient();
  private String key;

  @Test
  void aSendoutWithAWindowShowsItsZonesAndWhatWaitsForTheWindow() {
    JsonNode created =
        post(
            202,
            """
            {"channel":"SMS","from":{"senderId":"SurveyCo"},"text":"Tell us how it went",
             "window":{"start":"09:00","end":"20:00","days":["MON","TUE","WED","THU","FRI"]},
             "timeZone":"Europe/Berlin",
             "recipients":[{"phone":"+1 (201) 555-0123"},
                           {"phone":"+44 7911 123456"},
                           {"phone":"+12015550124","timeZone":"Asia/Tokyo"}]}""");
    assertThat(created.path("window").toString())
        .isEqualTo(
            "{\"start\":\"09:00\",\"end\":\"20:00\","
                + "\"days\":[\"MON\",\"TUE\",\"WED\",\"THU\",\"FRI\"]}");
    assertThat(created.path("timeZone").asString()).isEqualTo("Europe/Berlin");
    assertThat(created.path("waitingForWindow").asInt()).isZero();
    UUID id = UUID.fromString(created.path("id").asString());

    JsonNode messages = get("/v1/sendouts/" + id + "/messages").path("items");
    assertThat(messages.get(0).path("address").asString()).isEqualTo("+12015550123");
    assertThat(messages.get(0).path("timeZone").asString())
        .as("a New Jersey number's own zone")
        .isEqualTo("America/New_York");
    assertThat(messages.get(1).path("address").asString()).isEqualTo("+447911123456");
    assertThat(messages.get(1).path("timeZone").asString())
        .as("a UK mobile's zone is ambiguous: the sendout's")
        .isEqualTo("Europe/Berlin");
    assertThat(messages.get(2).path("timeZone").asString()).isEqualTo("Asia/Tokyo");

    // A Wednesday 23:00 in New York: Thursday 05:00 in Berlin, 13:00 in Tokyo.
    Instant wednesdayElevenPm = ZonedDateTime.of(2027, 1, 6, 23, 0, 0, 0, NEW_YORK).toInstant();
    sendouts.releaseInWindows(id, UUID.randomUUID(), 100, wednesdayElevenPm);

    assertThat(get("/v1/sendouts/" + id).path("waitingForWindow").asInt()).isEqualTo(2);
    JsonNode waiting = get("/v1/sendouts/" + id + "/messages").path("items");
    assertThat(waiting.get(0).path("waitingForWindowUntil").asString())
        .isEqualTo("2027-01-07T14:00:00Z");
    assertThat(waiting.get(1).path("waitingForWindowUntil").asString())
        .isEqualTo("2027-01-07T08:00:00Z");
    assertThat(waiting.get(2).path("status").asString()).isEqualTo("RELEASED");
    assertThat(waiting.get(2).path("waitingForWindowUntil").isNull()).isTrue();
  }

  @Test
  void messagesHeldAtTheirProviderCallWaitForTheWindowThoughNoneIsQueued() {
    JsonNode created =
        post(
            202,
            """
            {"channel":"SMS","from":{"senderId":"SurveyCo"},"text":"Tell us how it went",
             "window":{"start":"09:00","end":"20:00"},"timeZone":"Europe/Berlin",
             "recipients":[{"phone":"+44 7911 123456"},{"phone":"+44 7911 123457"}]}""");
    UUID id = UUID.fromString(created.path("id").asString());
    // Both released, then held back at their provider call as the window closed.
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.RELEASED)
        .set(MESSAGE.WINDOW_OPENS_AT, OffsetDateTime.now(ZoneOffset.UTC).plusHours(10))
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .execute();

    JsonNode sendout = get("/v1/sendouts/" + id);
    assertThat(sendout.path("messages").path("QUEUED").asInt()).isZero();
    assertThat(sendout.path("waitingForWindow").asInt()).isEqualTo(2);
  }

  @Test
  void aBadWindowOrZoneIsA400NamingTheField() {
    JsonNode problem =
        post(
            400,
            """
            {"channel":"SMS","from":{"senderId":"SurveyCo"},"text":"Hi",
             "window":{"start":"9:00","end":"20:00","days":["MONDAY"]},"timeZone":"+02:00",
             "recipients":[{"phone":"+447700900123"}]}""");

    assertThat(problem.path("errors").findValuesAsString("pointer"))
        .containsExactly("/recipients/0/phone", "/window/start", "/window/days/0", "/timeZone");
  }

  private JsonNode post(int expected, String body) {
    return send(
        request("/v1/sendouts")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        expected);
  }

  private JsonNode get(String path) {
    return send(request(path).GET(), 200);
  }

  private HttpRequest.Builder request(String path) {
    if (key == null) {
      key = apiKeys.issue("quiet-" + UUID.randomUUID(), "quiet-hours-api-test").key();
    }
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + key);
  }

  private JsonNode send(HttpRequest.Builder request, int expected) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
      return JsonMapper.builder().build().readTree(response.body());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
