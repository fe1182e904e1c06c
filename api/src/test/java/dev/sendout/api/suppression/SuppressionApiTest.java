package dev.sendout.api.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiApplication;
import dev.sendout.api.ApiServerEnvironment;
import dev.sendout.core.support.AuditTrail;
import dev.sendout.core.tenant.ApiKeys;
import dev.sendout.workflows.sendout.SupportActionType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The suppression list's API over HTTP against real Postgres: each endpoint, one tenant never
 * seeing another's list, addresses in paths decoded and normalised, and every bad input a 400
 * problem naming the field.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      ApiApplication.CONFIG_NAME,
      "spring.temporal.test-server.enabled=true",
      "sendout.webhooks.vonage.signature-secret=test-secret"
    })
class SuppressionApiTest {

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    ApiServerEnvironment.register(registry);
  }

  @LocalServerPort int port;
  @Autowired ApiKeys apiKeys;
  @Autowired AuditTrail audit;

  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> keys = new HashMap<>();

  record Reply(int status, String contentType, String raw, JsonNode body, String location) {}

  private static String tenant() {
    return "supp-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private HttpRequest.Builder request(String tenant, String path) {
    String key = keys.computeIfAbsent(tenant, t -> apiKeys.issue(t, "support-desk").key());
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
          body,
          response.headers().firstValue("Location").orElse(null));
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private Reply get(String tenant, String path) {
    return send(request(tenant, path).GET());
  }

  private Reply delete(String tenant, String path) {
    return send(request(tenant, path).DELETE());
  }

  private Reply post(String tenant, String contentType, String body) {
    return send(
        request(tenant, "/v1/suppressions")
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Reply add(String tenant, String json) {
    return post(tenant, "application/json", json);
  }

  private static void assertBadRequestNaming(Reply reply, String field) {
    assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
    assertThat(reply.contentType()).startsWith("application/problem+json");
    assertThat(reply.body().path("type").asString())
        .isEqualTo("urn:sendout:problem:invalid-request");
    assertThat(reply.body().path("errors").get(0).path("pointer").asString()).isEqualTo(field);
  }

  @Test
  void anAddedAddressIsFoundNormalisedWithItsReasonAndSourceAndAddingAgainKeepsIt() {
    String tenant = tenant();

    Reply created = add(tenant, "{\"address\":\"Ana@EXAMPLE.com\"}");
    Reply again = add(tenant, "{\"address\":\"Ana@example.COM\",\"reason\":\"SPAM_REPORT\"}");
    Reply found = get(tenant, "/v1/suppressions/Ana%40Example.com");

    assertThat(created.status()).as(created.raw()).isEqualTo(201);
    assertThat(created.body().path("address").asString()).isEqualTo("ana@example.com");
    assertThat(created.body().path("channel").asString()).isEqualTo("EMAIL");
    assertThat(created.body().path("reason").asString()).isEqualTo("MANUAL");
    assertThat(created.body().path("source").asString()).isEqualTo("api:support-desk");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("reason").asString()).isEqualTo("MANUAL");
    assertThat(found.status()).as(found.raw()).isEqualTo(200);
    assertThat(found.body()).isEqualTo(created.body());
    assertThat(get(tenant(), "/v1/suppressions/Ana@example.com").status())
        .as("another tenant's list")
        .isEqualTo(404);
  }

  @Test
  void aPhoneNumberInThePathIsDecodedAndNormalisedAndAnUnknownOneIs404() {
    String tenant = tenant();
    Reply created = add(tenant, "{\"address\":\"+44 7700 900123\",\"reason\":\"SMS_STOP\"}");

    Reply plus = get(tenant, "/v1/suppressions/+447700900123");
    Reply encoded = get(tenant, "/v1/suppressions/%2B44%207700%20900123");
    Reply unknown = get(tenant, "/v1/suppressions/+447700900999");

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().path("channel").asString()).isEqualTo("SMS");
    assertThat(plus.status()).as(plus.raw()).isEqualTo(200);
    assertThat(plus.body().path("reason").asString()).isEqualTo("SMS_STOP");
    assertThat(encoded.status()).as(encoded.raw()).isEqualTo(200);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(unknown.body().path("type").asString()).isEqualTo("urn:sendout:problem:not-found");
  }

  @Test
  void anAddressWithASlashIsReadAndRemovedAtTheLocationItWasGiven() {
    String tenant = tenant();
    Reply created = add(tenant, "{\"address\":\"c/d@example.com\"}");
    String location = created.location();

    Reply found = get(tenant, location);
    Reply removed = delete(tenant, location);

    assertThat(location).isEqualTo("/v1/suppressions/c%2Fd%40example.com");
    assertThat(found.status()).as(found.raw()).isEqualTo(200);
    assertThat(found.body().path("address").asString()).isEqualTo("c/d@example.com");
    assertThat(removed.status()).as(removed.raw()).isEqualTo(204);
  }

  @Test
  void removingTakesTheAddressOffAndIsWrittenToTheAuditTrail() {
    String tenant = tenant();
    add(tenant, "{\"address\":\"gone@example.com\",\"reason\":\"HARD_BOUNCE\"}");

    Reply removed = delete(tenant, "/v1/suppressions/GONE@EXAMPLE.com");
    Reply lookup = get(tenant, "/v1/suppressions/gone@example.com");
    Reply again = delete(tenant, "/v1/suppressions/gone@example.com");

    assertThat(removed.status()).as(removed.raw()).isEqualTo(204);
    assertThat(lookup.status()).isEqualTo(404);
    assertThat(again.status()).isEqualTo(404);
    assertThat(audit.listForTenant(tenant))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action()).isEqualTo(SupportActionType.SUPPRESSION_REMOVED);
              assertThat(e.subject()).isEqualTo("EMAIL gone@example.com");
              assertThat(e.actor()).isEqualTo("api:support-desk");
              assertThat(e.note()).contains("HARD_BOUNCE");
            });
  }

  @Test
  void theListPagesWithItsCursorAndFiltersByChannelAndReason() {
    String tenant = tenant();
    for (int i = 0; i < 3; i++) {
      add(tenant, "{\"address\":\"u%d@example.com\",\"reason\":\"UNSUBSCRIBED\"}".formatted(i));
      add(tenant, "{\"address\":\"+4477009001%d\"}".formatted(10 + i));
    }
    List<String> seen = new ArrayList<>();
    String cursor = ""; // an empty cursor is the first page
    int pages = 0;
    do {
      Reply page = get(tenant, "/v1/suppressions?limit=4&cursor=" + cursor);
      assertThat(page.status()).as(page.raw()).isEqualTo(200);
      page.body().path("items").forEach(item -> seen.add(item.path("address").asString()));
      cursor =
          page.body().path("nextCursor").isNull()
              ? null
              : page.body().path("nextCursor").asString();
      pages++;
    } while (cursor != null);

    assertThat(pages).isEqualTo(2);
    assertThat(seen).hasSize(6).doesNotHaveDuplicates().first().isEqualTo("+447700900112");
    assertThat(get(tenant, "/v1/suppressions?channel=SMS").body().path("items").size())
        .isEqualTo(3);
    Reply unsubscribed = get(tenant, "/v1/suppressions?reason=UNSUBSCRIBED&channel=EMAIL");
    assertThat(unsubscribed.body().path("items").size()).isEqualTo(3);
    assertThat(get(tenant(), "/v1/suppressions").body().path("items").size()).isZero();
  }

  @Test
  void aCsvImportStoresTheGoodRowsAndNamesEachBadOne() {
    String tenant = tenant();
    add(tenant, "{\"address\":\"known@example.com\",\"reason\":\"SPAM_REPORT\"}");
    String csv =
        """
        address,reason
        a@example.com,
        B@Example.com,hard_bounce
        not-an-address,
        +447700900123,SMS_STOP
        c@example.com,SOMETIMES
        known@example.com,MANUAL
        +447700900124,HARD_BOUNCE
        """;

    Reply imported = post(tenant, "text/csv", csv);

    assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
    JsonNode result = imported.body();
    assertThat(result.path("rows").asInt()).isEqualTo(7);
    assertThat(result.path("added").asInt()).isEqualTo(3);
    assertThat(result.path("alreadySuppressed").asInt()).isEqualTo(1);
    assertThat(result.path("invalid").asInt()).isEqualTo(3);
    assertThat(result.path("complete").asBoolean()).isTrue();
    assertThat(result.path("errors").findValuesAsString("pointer"))
        .containsExactly("#line=4/address", "#line=6/reason", "#line=8/reason");
    assertThat(get(tenant, "/v1/suppressions/b@example.com").body().path("reason").asString())
        .isEqualTo("HARD_BOUNCE");
    assertThat(get(tenant, "/v1/suppressions/a@example.com").body().path("reason").asString())
        .isEqualTo("MANUAL");
    assertThat(get(tenant, "/v1/suppressions/known@example.com").body().path("reason").asString())
        .isEqualTo("SPAM_REPORT");
    assertThat(post(tenant, "text/csv", csv).body().path("added").asInt())
        .as("importing again is harmless")
        .isZero();
  }

  @Test
  void aCsvImportStopsAtALineThatIsNotCsvAndKeepsTheRowsBeforeIt() {
    String tenant = tenant();

    Reply imported =
        post(tenant, "text/csv", "address\nfirst@example.com\n\"unclosed@example.com,x,y\n");

    assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
    assertThat(imported.body().path("complete").asBoolean()).isFalse();
    assertThat(imported.body().path("added").asInt()).isEqualTo(1);
    assertThat(imported.body().path("errors").get(0).path("pointer").asString())
        .startsWith("#line=");
  }

  @Test
  void aCsvImportStopsAtALineThatIsNotTextInItsCharsetAndKeepsTheRowsBeforeIt() {
    String tenant = tenant();
    byte[] latin1 =
        "address\nfirst@example.com\nJos\u00e9@example.com\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    Reply imported =
        send(
            request(tenant, "/v1/suppressions")
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));

    assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
    assertThat(imported.body().path("complete").asBoolean()).isFalse();
    assertThat(imported.body().path("added").asInt()).isEqualTo(1);
    assertThat(imported.body().path("errors").get(0).path("pointer").asString())
        .isEqualTo("#line=3");
  }

  @Test
  void badInputIsA400NamingTheField() {
    String tenant = tenant();

    assertBadRequestNaming(add(tenant, "{\"address\":\"nobody\"}"), "/address");
    assertBadRequestNaming(add(tenant, "{}"), "/address");
    assertBadRequestNaming(
        add(tenant, "{\"address\":\"a@example.com\",\"reason\":\"BORED\"}"), "/reason");
    // A bounce or a spam report is an email's, a STOP a phone's: the other way round was taken.
    assertBadRequestNaming(
        add(tenant, "{\"address\":\"b@example.com\",\"reason\":\"SMS_STOP\"}"), "/reason");
    assertBadRequestNaming(
        add(tenant, "{\"address\":\"+447911123459\",\"reason\":\"HARD_BOUNCE\"}"), "/reason");
    assertBadRequestNaming(get(tenant, "/v1/suppressions/not%20an%20address"), "address");
    assertBadRequestNaming(get(tenant, "/v1/suppressions/ana@"), "address");
    assertBadRequestNaming(delete(tenant, "/v1/suppressions/12345"), "address");
    assertBadRequestNaming(get(tenant, "/v1/suppressions?channel=FAX"), "channel");
    assertBadRequestNaming(get(tenant, "/v1/suppressions?reason=BORED"), "reason");
    assertBadRequestNaming(get(tenant, "/v1/suppressions?limit=0"), "limit");
    assertBadRequestNaming(get(tenant, "/v1/suppressions?cursor=bm9wZQ"), "cursor");
    assertBadRequestNaming(post(tenant, "text/csv", "email\na@example.com\n"), "#line=1");
    assertBadRequestNaming(post(tenant, "text/csv", "address\n"), "#line=2");
    assertBadRequestNaming(
        post(tenant, "text/csv", "address,colour\na@example.com,red\n"), "#line=1");
    assertThat(get(tenant, "/v1/suppressions").body().path("items").size()).isZero();
  }

  @Test
  void theListNeedsAnApiKey() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/suppressions"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
  }
}
