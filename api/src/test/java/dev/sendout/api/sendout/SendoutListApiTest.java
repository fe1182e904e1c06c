package dev.sendout.api.sendout;

import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiApplication;
import dev.sendout.api.ApiServerEnvironment;
import dev.sendout.core.tenant.ApiKeys;
import dev.sendout.workflows.sendout.SendoutStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@code GET /v1/sendouts} over HTTP against real Postgres: a tenant's sendouts, filtered and paged
 * with the cursor, never another tenant's, and every bad parameter a 400 problem.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      ApiApplication.CONFIG_NAME,
      "spring.temporal.test-server.enabled=true",
      "sendout.webhooks.vonage.signature-secret=test-secret"
    })
class SendoutListApiTest {

  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    ApiServerEnvironment.register(registry);
  }

  @LocalServerPort int port;
  @Autowired ApiKeys apiKeys;
  @Autowired DSLContext db;

  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> keys = new HashMap<>();

  record Reply(int status, String contentType, String raw, JsonNode body) {}

  private static String tenant() {
    return "list-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private HttpRequest.Builder request(String tenant, String path) {
    String key = keys.computeIfAbsent(tenant, t -> apiKeys.issue(t, "list-api-test").key());
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + key);
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body =
          response.body().isEmpty()
              ? JsonMapper.builder().build().createObjectNode()
              : JsonMapper.builder().build().readTree(response.body());
      return new Reply(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body(),
          body);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private Reply get(String tenant, String path) {
    return send(request(tenant, path).GET());
  }

  /** A sendout of the tenant created through the API, then dated and set to a status. */
  private UUID sendout(String tenant, String channel, Instant createdAt, SendoutStatus status) {
    String body =
        channel.equals("SMS")
            ? """
              {"channel":"SMS","from":{"senderId":"SurveyCo"},"text":"Tell us how it went",
               "recipients":[{"phone":"+447911123456"}]}"""
            : """
              {"channel":"EMAIL","from":{"email":"surveys@example.com"},"subject":"Hello",
               "text":"Take our survey","recipients":[{"email":"someone@example.com"}]}""";
    Reply created =
        send(
            request(tenant, "/v1/sendouts")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(created.status()).as(created.raw()).isEqualTo(202);
    UUID id = UUID.fromString(created.body().path("id").asString());
    db.update(SENDOUT)
        .set(SENDOUT.CREATED_AT, createdAt.atOffset(ZoneOffset.UTC))
        .set(SENDOUT.STATUS, status)
        .where(SENDOUT.ID.eq(id))
        .execute();
    return id;
  }

  /**
   * Every sendout id the listing returns for the query, following its cursors to the end. The first
   * page is asked for with an empty cursor, as a client that sends its last nextCursor whatever it
   * was would ask for it: "cursor=" is the first page.
   */
  private List<String> listAll(String tenant, String query, int pageSize) {
    List<String> ids = new ArrayList<>();
    String cursor = "";
    do {
      Reply page = get(tenant, "/v1/sendouts?limit=" + pageSize + query + "&cursor=" + cursor);
      assertThat(page.status()).as(page.raw()).isEqualTo(200);
      assertThat(page.body().path("items").size()).isLessThanOrEqualTo(pageSize);
      page.body().path("items").forEach(item -> ids.add(item.path("id").asString()));
      cursor =
          page.body().path("nextCursor").isNull()
              ? null
              : page.body().path("nextCursor").asString();
    } while (cursor != null);
    return ids;
  }

  private static String at(Instant instant) {
    return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
  }

  @Test
  void listsOnlyTheCallersSendoutsNewestFirstPageByPage() {
    String mine = tenant();
    String theirs = tenant();
    UUID oldest = sendout(mine, "EMAIL", T0, SendoutStatus.COMPLETED);
    UUID middle = sendout(mine, "SMS", T0.plusSeconds(10), SendoutStatus.SENT);
    UUID newest = sendout(mine, "EMAIL", T0.plusSeconds(20), SendoutStatus.SCHEDULED);
    UUID other = sendout(theirs, "EMAIL", T0.plusSeconds(15), SendoutStatus.SCHEDULED);

    assertThat(listAll(mine, "", 2))
        .containsExactly(newest.toString(), middle.toString(), oldest.toString());
    assertThat(listAll(theirs, "", 1)).containsExactly(other.toString());
    // A cursor is a position, not a key to a tenant: in another tenant's hands it pages that
    // tenant's own sendouts.
    String cursor = get(mine, "/v1/sendouts?limit=1").body().path("nextCursor").asString();
    assertThat(get(theirs, "/v1/sendouts?cursor=" + cursor).body().findValuesAsString("id"))
        .containsExactly(other.toString());
  }

  @Test
  void anItemShowsTheSendoutsOwnRecord() {
    String tenant = tenant();
    UUID id = sendout(tenant, "SMS", T0, SendoutStatus.SCHEDULED);

    JsonNode page = get(tenant, "/v1/sendouts").body();

    assertThat(page.path("nextCursor").isNull()).isTrue();
    JsonNode item = page.path("items").get(0);
    assertThat(item.path("id").asString()).isEqualTo(id.toString());
    assertThat(item.path("channel").asString()).isEqualTo("SMS");
    assertThat(item.path("status").asString()).isEqualTo("SCHEDULED");
    assertThat(item.path("recipientCount").asInt()).isEqualTo(1);
    assertThat(item.path("createdAt").asString()).isEqualTo(T0.toString());
    assertThat(item.path("paused").asBoolean()).isFalse();
    assertThat(item.path("cancelledAt").isNull()).isTrue();
  }

  @Test
  void filtersByStatusChannelAndCreatedRange() {
    String tenant = tenant();
    UUID scheduled = sendout(tenant, "EMAIL", T0, SendoutStatus.SCHEDULED);
    UUID sending = sendout(tenant, "EMAIL", T0.plusSeconds(10), SendoutStatus.SENDING);
    UUID sms = sendout(tenant, "SMS", T0.plusSeconds(20), SendoutStatus.SCHEDULED);
    UUID completed = sendout(tenant, "EMAIL", T0.plusSeconds(30), SendoutStatus.COMPLETED);

    assertThat(listAll(tenant, "&status=SCHEDULED", 1))
        .containsExactly(sms.toString(), scheduled.toString());
    assertThat(listAll(tenant, "&status=SCHEDULED,SENDING&channel=EMAIL", 1))
        .containsExactly(sending.toString(), scheduled.toString());
    assertThat(listAll(tenant, "&status=COMPLETED&status=SENDING", 5))
        .containsExactly(completed.toString(), sending.toString());
    // Both forms at once (a hostile sweep: 400 "unknown status" for "SENDING,SCHEDULED").
    assertThat(listAll(tenant, "&status=COMPLETED&status=SENDING,SCHEDULED&channel=EMAIL", 5))
        .containsExactly(completed.toString(), sending.toString(), scheduled.toString());
    assertThat(listAll(tenant, "&channel=SMS", 5)).containsExactly(sms.toString());
    assertThat(
            listAll(
                tenant,
                "&createdFrom=" + at(T0.plusSeconds(10)) + "&createdTo=" + at(T0.plusSeconds(30)),
                1))
        .containsExactly(sms.toString(), sending.toString());
    assertThat(listAll(tenant, "&createdFrom=2026-11-01T11:00:30%2B01:00", 5))
        .containsExactly(completed.toString());
  }

  @Test
  void theStuckListingAnswersAsBeforeWithStuckTrue() {
    String tenant = tenant();
    sendout(tenant, "EMAIL", T0, SendoutStatus.SCHEDULED);

    Reply stuck = get(tenant, "/v1/sendouts?stuck=true&channel=EMAIL&reason=NO_RECEIPT");

    assertThat(stuck.status()).as(stuck.raw()).isEqualTo(200);
    assertThat(stuck.body().path("items").size()).isZero();
    assertThat(stuck.body().has("nextCursor")).isTrue();
  }

  @Test
  void everyBadParameterIsA400ProblemNamingItAndNoInternals() {
    String tenant = tenant();
    String stuckCursor =
        Base64.getUrlEncoder().withoutPadding().encodeToString("finding:1".getBytes());
    String farCursor =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(("sendout:" + Long.MAX_VALUE + ":" + UUID.randomUUID()).getBytes());
    Map<String, String> queries = new HashMap<>();
    queries.put("?status=FINISHED", "status");
    queries.put("?status=SENT,", "status");
    queries.put("?status=", "status");
    queries.put("?status=sent", "status");
    queries.put("?channel=FAX", "channel");
    queries.put("?channel=", "channel");
    queries.put("?createdFrom=yesterday", "createdFrom");
    queries.put("?createdFrom=2026-11-01T10:00:00", "createdFrom");
    queries.put("?createdTo=2026-13-01T00:00:00Z", "createdTo");
    queries.put("?createdTo=%2B999999999-12-31T23:59:59Z", "createdTo");
    queries.put("?createdFrom=" + at(T0.plusSeconds(1)) + "&createdTo=" + at(T0), "createdFrom");
    queries.put("?limit=0", "limit");
    queries.put("?limit=201", "limit");
    queries.put("?limit=ten", "limit");
    queries.put("?limit=99999999999", "limit");
    queries.put("?cursor=bm90LW91cnM", "cursor");
    queries.put("?cursor=%25%25%25", "cursor");
    queries.put("?cursor=" + stuckCursor, "cursor");
    queries.put("?cursor=" + farCursor, "cursor");
    queries.put("?reason=NO_RECEIPT", "reason");
    queries.put("?stuck=false", "stuck");
    queries.put("?stuck=maybe", "stuck");
    queries.put("?stuck=yes", "stuck");
    queries.put("?stuck=1", "stuck");
    queries.put("?stuck=true&status=SENT", "status");
    queries.put("?stuck=true&createdFrom=" + at(T0), "createdFrom");
    queries.put("?stuck=true&reason=SLOW", "reason");

    queries.forEach(
        (query, parameter) -> {
          Reply reply = get(tenant, "/v1/sendouts" + query);

          assertThat(reply.status()).as(query + ": " + reply.raw()).isEqualTo(400);
          assertThat(reply.contentType()).as(query).startsWith("application/problem+json");
          assertThat(reply.body().path("type").asString())
              .as(query)
              .isEqualTo("urn:sendout:problem:invalid-request");
          assertThat(reply.body().path("errors").get(0).path("pointer").asString())
              .as(query)
              .isEqualTo(parameter);
          assertThat(reply.raw())
              .as(query)
              .doesNotContain("java.", "Exception", "dev.sendout", "Instant", "Integer");
        });
    assertThat(get(tenant, "/v1/sendouts?stuck=maybe").body().path("detail").asString())
        .isEqualTo("stuck: only stuck=true filters the listing; omit stuck to list every sendout");
  }
}
