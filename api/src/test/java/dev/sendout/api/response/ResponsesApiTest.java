package dev.sendout.api.response;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiApplication;
import dev.sendout.api.ApiServerEnvironment;
import dev.sendout.core.tenant.ApiKeys;
import dev.sendout.workflows.message.MessageStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
 * Responses and externalIds over HTTP against real Postgres: {@code POST
 * /v1/sendouts/{id}/responses} by each key, idempotent and final, unknown and invalid responses as
 * results, an NDJSON import of 10,000 lines, bad bodies as 400 problems naming the field, another
 * tenant's sendout as 404; and the externalId rules on create and on additions.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      ApiApplication.CONFIG_NAME,
      "spring.temporal.test-server.enabled=true",
      "sendout.webhooks.vonage.signature-secret=test-secret"
    })
class ResponsesApiTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    ApiServerEnvironment.register(registry);
  }

  @LocalServerPort int port;
  @Autowired ApiKeys apiKeys;
  @Autowired DSLContext db;

  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> keys = new HashMap<>();

  record Reply(int status, String raw, JsonNode body) {
    String problemType() {
      return body.path("type").asString();
    }

    JsonNode result(int i) {
      return body.path("results").get(i);
    }
  }

  /** Response times within the bounds: after the sendouts are created, not ahead of our clock. */
  private static final Instant SOON = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(90);

  private static final Instant EARLIER = SOON.minusSeconds(30);

  private static String tenant() {
    return "responses-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private HttpRequest.Builder request(String tenant, String path) {
    String key = keys.computeIfAbsent(tenant, t -> apiKeys.issue(t, "responses-api-test").key());
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + key);
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body =
          response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
      return new Reply(response.statusCode(), response.body(), body);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private Reply post(String tenant, String path, String contentType, String body) {
    return send(
        request(tenant, path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Reply get(String tenant, String path) {
    return send(request(tenant, path).GET());
  }

  private static String recipients(int count, String prefix) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                "{\"email\":\"%s%d@example.com\",\"externalId\":\"%s-%d\"}"
                    .formatted(prefix, i, prefix, i))
        .collect(Collectors.joining(","));
  }

  private Reply create(String tenant, String recipientsJson) {
    return post(
        tenant,
        "/v1/sendouts",
        "application/json",
        """
        {"channel":"EMAIL","from":{"email":"surveys@example.com"},"subject":"Hello",
         "text":"Take our survey","sendAt":"%s","recipients":[%s]}"""
            .formatted(Instant.now().plusSeconds(86_400), recipientsJson));
  }

  /** An email sendout of recipients r0@example.com..., externalIds r-0..., due tomorrow. */
  private UUID sendout(String tenant, int count) {
    Reply created = create(tenant, recipients(count, "r"));
    assertThat(created.status()).as(created.raw()).isEqualTo(202);
    return UUID.fromString(created.body().path("id").asString());
  }

  /** Responses by externalId, {@code prefix + 0} onwards. */
  private static String byExternalId(String prefix, int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "{\"externalId\":\"" + prefix + i + "\"}")
        .collect(Collectors.joining(","));
  }

  private Reply respond(String tenant, UUID id, String responsesJson) {
    return post(
        tenant,
        "/v1/sendouts/" + id + "/responses",
        "application/json",
        "{\"responses\":[" + responsesJson + "]}");
  }

  private List<JsonNode> messages(String tenant, UUID id) {
    Reply page = get(tenant, "/v1/sendouts/" + id + "/messages?limit=1000");
    assertThat(page.status()).as(page.raw()).isEqualTo(200);
    List<JsonNode> items = new ArrayList<>();
    page.body().path("items").forEach(items::add);
    return items;
  }

  @Test
  void aResponseIsRecordedByExternalIdMessageIdOrAddressAndShownOnMessageAndSendout() {
    String tenant = tenant();
    UUID id = sendout(tenant, 4);
    String messageId = messages(tenant, id).get(1).path("id").asString();

    Reply reply =
        respond(
            tenant,
            id,
            """
            {"externalId":"r-0","respondedAt":"%s"},
            {"messageId":"%s"},
            {"address":"\\tR2@EXAMPLE.com\\r\\n"}"""
                .formatted(SOON, messageId));

    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    assertThat(reply.body().path("results").findValuesAsString("result"))
        .containsExactly("RECORDED", "RECORDED", "RECORDED");
    assertThat(reply.result(0).path("respondedAt").asString()).isEqualTo(SOON.toString());
    assertThat(reply.result(1).path("messageId").asString()).isEqualTo(messageId);
    assertThat(reply.body().path("totals").path("recorded").asInt()).isEqualTo(3);
    List<JsonNode> messages = messages(tenant, id);
    assertThat(messages)
        .extracting(m -> m.path("externalId").asString())
        .containsExactly("r-0", "r-1", "r-2", "r-3");
    assertThat(messages.get(0).path("respondedAt").asString()).isEqualTo(SOON.toString());
    assertThat(messages.get(3).path("respondedAt").isNull()).isTrue();
    assertThat(messages).extracting(m -> m.path("status").asString()).containsOnly("QUEUED");
    JsonNode responses = get(tenant, "/v1/sendouts/" + id).body().path("responses");
    assertThat(responses.path("responded").asInt()).isEqualTo(3);
    assertThat(responses.path("rate").asDouble()).isEqualTo(0.75);
    assertThat(responses.path("delivered").asInt()).isZero();
    assertThat(responses.path("deliveredRate").asDouble()).isZero();
  }

  @Test
  void aResponseIsFinalRepeatedOrLaterReportsChangeNothing() {
    String tenant = tenant();
    UUID id = sendout(tenant, 1);
    respond(tenant, id, "{\"externalId\":\"r-0\",\"respondedAt\":\"" + SOON + "\"}");

    Reply again =
        respond(tenant, id, "{\"externalId\":\"r-0\",\"respondedAt\":\"" + EARLIER + "\"}");

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.result(0).path("result").asString()).isEqualTo("ALREADY_RECORDED");
    assertThat(again.result(0).path("respondedAt").asString()).isEqualTo(SOON.toString());
    assertThat(again.body().path("totals").path("alreadyRecorded").asInt()).isEqualTo(1);
    assertThat(messages(tenant, id).get(0).path("respondedAt").asString())
        .isEqualTo(SOON.toString());
  }

  @Test
  void unknownDuplicateAndInvalidResponsesAreResultsAndTheValidOnesAreStillRecorded() {
    String tenant = tenant();
    UUID id = sendout(tenant, 2);

    Reply reply =
        respond(
            tenant,
            id,
            """
            {"externalId":"nobody"},
            {"externalId":"r-0"},
            {"externalId":"r-0"},
            {"externalId":"r-1","messageId":"%s"},
            {"messageId":"not-a-uuid"},
            {"address":"r1@example.com","respondedAt":"yesterday"},
            {"address":"r1@example.com","respondedAt":"2999-01-01T00:00:00Z"},
            {},
            {"externalId":"bad\\u0007id"},
            {"externalId":"r-1","respondedAt":"-999999999-01-01T00:00:00Z"},
            {"address":"not an address"},
            {"externalId":"r-1","respondedAt":""}"""
                .formatted(UUID.randomUUID()));

    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    assertThat(reply.body().path("results").findValuesAsString("result"))
        .containsExactly(
            "UNKNOWN",
            "RECORDED",
            "ALREADY_RECORDED",
            "INVALID",
            "INVALID",
            "INVALID",
            "INVALID",
            "INVALID",
            "INVALID",
            "INVALID",
            "INVALID",
            "INVALID");
    assertThat(reply.result(4).path("errors").get(0).path("pointer").asString())
        .isEqualTo("/responses/4/messageId");
    assertThat(reply.result(5).path("errors").get(0).path("pointer").asString())
        .isEqualTo("/responses/5/respondedAt");
    assertThat(reply.result(6).path("errors").get(0).path("detail").asString()).contains("future");
    assertThat(reply.result(8).path("errors").get(0).path("pointer").asString())
        .isEqualTo("/responses/8/externalId");
    JsonNode totals = reply.body().path("totals");
    assertThat(reply.result(9).path("errors").get(0).path("detail").asString())
        .contains("before the sendout was created");
    // A hostile sweep: an address that is none was UNKNOWN, as if no recipient had it.
    assertThat(reply.result(10).path("errors").get(0).path("pointer").asString())
        .isEqualTo("/responses/10/address");
    assertThat(reply.result(10).path("errors").get(0).path("detail").asString())
        .startsWith("not an email address");
    assertThat(totals.path("received").asInt()).isEqualTo(12);
    assertThat(totals.path("recorded").asInt()).isEqualTo(1);
    assertThat(totals.path("alreadyRecorded").asInt()).isEqualTo(1);
    assertThat(totals.path("unknown").asInt()).isEqualTo(1);
    assertThat(totals.path("invalid").asInt()).isEqualTo(9);
    assertThat(messages(tenant, id).get(1).path("respondedAt").isNull())
        .as("no invalid response recorded anything")
        .isTrue();
  }

  @Test
  void aBadBodyIsA400NamingTheField() {
    String tenant = tenant();
    UUID id = sendout(tenant, 1);
    String path = "/v1/sendouts/" + id + "/responses";

    Reply empty = post(tenant, path, "application/json", "{\"responses\":[]}");
    Reply missing = post(tenant, path, "application/json", "{}");
    Reply tooMany = respond(tenant, id, byExternalId("x", 1001));
    Reply notJson = post(tenant, path, "application/json", "{\"responses\":[");
    Reply unknownField = respond(tenant, id, "{\"externalID\":\"r-0\"}");
    Reply emptyImport = post(tenant, path, "application/x-ndjson", "\n\n");

    for (Reply r : List.of(empty, missing, tooMany)) {
      assertThat(r.status()).as(r.raw()).isEqualTo(400);
      assertThat(r.body().path("errors").get(0).path("pointer").asString()).isEqualTo("/responses");
    }
    assertThat(tooMany.body().path("detail").asString()).contains("1000");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.problemType()).isEqualTo("urn:sendout:problem:malformed-json");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.raw()).contains("externalID");
    assertThat(emptyImport.status()).isEqualTo(400);
    assertThat(emptyImport.body().path("errors").get(0).path("pointer").asString())
        .isEqualTo("#line=1");
  }

  @Test
  void anotherTenantsSendoutIsNotFoundAndKeepsItsResponsesUnrecorded() {
    String owner = tenant();
    UUID id = sendout(owner, 1);
    String other = tenant();

    Reply json = respond(other, id, "{\"externalId\":\"r-0\"}");
    Reply ndjson =
        post(
            other,
            "/v1/sendouts/" + id + "/responses",
            "application/x-ndjson",
            "{\"externalId\":\"r-0\"}\n");
    Reply unknown = respond(owner, UUID.randomUUID(), "{\"externalId\":\"r-0\"}");

    assertThat(json.status()).isEqualTo(404);
    assertThat(json.problemType()).isEqualTo("urn:sendout:problem:not-found");
    assertThat(ndjson.status()).isEqualTo(404);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(messages(owner, id).get(0).path("respondedAt").isNull()).isTrue();
  }

  @Test
  void anNdjsonImportOfTenThousandLinesRecordsEachOnceAndNamesLinesByNumber() {
    String tenant = tenant();
    UUID id = sendout(tenant, 10_000);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      body.append("{\"externalId\":\"r-").append(i).append("\"}\n");
    }
    body.append("{\"externalId\":\"stranger\"}\n");
    body.append("\n");
    body.append("not json\n");
    String path = "/v1/sendouts/" + id + "/responses";

    long started = System.nanoTime();
    Reply first = post(tenant, path, "application/x-ndjson", body.toString());
    long firstMillis = (System.nanoTime() - started) / 1_000_000;
    started = System.nanoTime();
    Reply again = post(tenant, path, "application/x-ndjson", body.toString());
    long againMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "NDJSON import of 10,000 responses: %d ms, repeated: %d ms%n", firstMillis, againMillis);

    assertThat(first.status()).as(first.raw()).isEqualTo(200);
    JsonNode totals = first.body().path("totals");
    assertThat(totals.path("received").asInt()).isEqualTo(10_002);
    assertThat(totals.path("recorded").asInt()).isEqualTo(10_000);
    assertThat(totals.path("unknown").asInt()).isEqualTo(1);
    assertThat(totals.path("invalid").asInt()).isEqualTo(1);
    assertThat(first.result(0).path("item").asInt()).as("line numbers from 1").isEqualTo(1);
    assertThat(first.result(10_001).path("item").asInt())
        .as("blank line skipped")
        .isEqualTo(10_003);
    assertThat(first.result(10_001).path("errors").get(0).path("pointer").asString())
        .isEqualTo("#line=10003");
    assertThat(again.body().path("totals").path("alreadyRecorded").asInt()).isEqualTo(10_000);
    assertThat(again.body().path("totals").path("recorded").asInt()).isZero();
    assertThat(
            db.fetchCount(MESSAGE, MESSAGE.SENDOUT_ID.eq(id).and(MESSAGE.RESPONDED_AT.isNotNull())))
        .isEqualTo(10_000);
    assertThat(get(tenant, "/v1/sendouts/" + id).body().path("responses").path("rate").asDouble())
        .isEqualTo(1.0);
  }

  @Test
  void anNdjsonImportNamesALineTooLongOrNullAndRecordsTheOthers() {
    String tenant = tenant();
    UUID id = sendout(tenant, 2);
    String body =
        "\uFEFF{\"externalId\":\"r-0\"}\n{\"externalId\":\""
            + "x".repeat(2 << 20)
            + "\"}\nnull\n{\"externalId\":\"r-1\"}\n";

    Reply reply = post(tenant, "/v1/sendouts/" + id + "/responses", "application/x-ndjson", body);

    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    assertThat(reply.body().path("totals").path("recorded").asInt()).isEqualTo(2);
    assertThat(reply.body().path("totals").path("invalid").asInt()).isEqualTo(2);
    assertThat(reply.result(1).path("errors").get(0).path("detail").asString())
        .isEqualTo("is longer than 1048576 characters");
    assertThat(reply.result(2).path("errors").get(0).path("pointer").asString())
        .isEqualTo("#line=3");
    assertThat(reply.result(2).path("errors").get(0).path("detail").asString())
        .isEqualTo("is null");
  }

  @Test
  void anSmsResponseByNumberFindsItsRecipientHoweverTheNumberIsWritten() {
    String tenant = tenant();
    Reply created =
        post(
            tenant,
            "/v1/sendouts",
            "application/json",
            """
            {"channel":"SMS","from":{"senderId":"SurveyCo"},"text":"Take our survey",
             "sendAt":"%s","recipients":[{"phone":"+12015551014"},{"phone":"+12015551015"}]}"""
                .formatted(Instant.now().plusSeconds(86_400)));
    assertThat(created.status()).as(created.raw()).isEqualTo(202);
    UUID id = UUID.fromString(created.body().path("id").asString());

    Reply reply =
        respond(
            tenant,
            id,
            "{\"address\":\"+1 (201) 555-1014\"},{\"address\":\"\\t+1.201.555.1015 \"},"
                + "{\"address\":\"+1 201 555 9999\"}");

    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    assertThat(reply.body().path("results").findValuesAsString("result"))
        .containsExactly("RECORDED", "RECORDED", "UNKNOWN");
  }

  @Test
  void deliveredResponsesAreCountedBesideTheDeliveryCounts() {
    String tenant = tenant();
    UUID id = sendout(tenant, 4);
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.DELIVERED)
        .where(MESSAGE.SENDOUT_ID.eq(id).and(MESSAGE.SEQ.lt(2)))
        .execute();

    respond(tenant, id, "{\"externalId\":\"r-0\"},{\"externalId\":\"r-3\"}");

    JsonNode view = get(tenant, "/v1/sendouts/" + id).body();
    assertThat(view.path("messages").path("DELIVERED").asInt()).isEqualTo(2);
    JsonNode responses = view.path("responses");
    assertThat(responses.path("responded").asInt()).isEqualTo(2);
    assertThat(responses.path("rate").asDouble()).isEqualTo(0.5);
    assertThat(responses.path("delivered").asInt()).isEqualTo(2);
    assertThat(responses.path("deliveredResponded").asInt()).isEqualTo(1);
    assertThat(responses.path("deliveredRate").asDouble()).isEqualTo(0.5);
  }

  @Test
  void aSendoutsCountsAreReadFromOneSnapshotWhileItsMessagesChange() throws Exception {
    String tenant = tenant();
    UUID id = sendout(tenant, 4);
    respond(tenant, id, byExternalId("r-", 4));
    // Every message has a response, so the delivered responses are the delivered messages, in any
    // one snapshot. Another transaction moves all four between ACCEPTED and DELIVERED meanwhile.
    AtomicBoolean reading = new AtomicBoolean(true);
    Thread mover =
        new Thread(
            () -> {
              for (int i = 0; i < 100_000 && reading.get(); i++) {
                db.update(MESSAGE)
                    .set(
                        MESSAGE.STATUS,
                        i % 2 == 0 ? MessageStatus.DELIVERED : MessageStatus.ACCEPTED)
                    .where(MESSAGE.SENDOUT_ID.eq(id))
                    .execute();
              }
            });
    mover.start();
    try {
      for (int i = 0; i < 300; i++) {
        JsonNode view = get(tenant, "/v1/sendouts/" + id).body();
        assertThat(view.path("responses").path("deliveredResponded").asInt())
            .as("view %d: %s", i, view)
            .isEqualTo(view.path("messages").path("DELIVERED").asInt());
      }
    } finally {
      reading.set(false);
      mover.join();
    }
  }

  @Test
  void externalIdsAreCheckedOnCreate() {
    String tenant = tenant();

    Reply duplicate =
        create(
            tenant,
            "{\"email\":\"a@example.com\",\"externalId\":\"x\"},"
                + "{\"email\":\"b@example.com\",\"externalId\":\"y\"},"
                + "{\"email\":\"c@example.com\",\"externalId\":\"x\"}");
    Reply tooLong =
        create(tenant, "{\"email\":\"a@example.com\",\"externalId\":\"" + "x".repeat(201) + "\"}");
    Reply control = create(tenant, "{\"email\":\"a@example.com\",\"externalId\":\"a\\u0000b\"}");
    Reply notText = create(tenant, "{\"email\":\"a@example.com\",\"externalId\":12}");

    assertThat(duplicate.status()).isEqualTo(400);
    assertThat(duplicate.body().path("errors").get(0).path("pointer").asString())
        .isEqualTo("/recipients/2/externalId");
    assertThat(duplicate.body().path("errors").get(0).path("detail").asString())
        .contains("/recipients/0/externalId", "'x'");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.body().path("errors").get(0).path("pointer").asString())
        .isEqualTo("/recipients/0/externalId");
    assertThat(control.status()).isEqualTo(400);
    assertThat(control.body().path("errors").get(0).path("pointer").asString())
        .isEqualTo("/recipients/0/externalId");
    assertThat(notText.status()).isEqualTo(400);
  }

  @Test
  void anAddedRecipientRepeatingAnExternalIdIsRefusedAndNothingOfTheCallIsStored() {
    String tenant = tenant();
    UUID id = sendout(tenant, 2);
    String path = "/v1/sendouts/" + id + "/recipients";

    Reply taken =
        post(
            tenant,
            path,
            "application/json",
            """
            {"recipients":[{"email":"n0@example.com","externalId":"n-0"},
                           {"email":"n1@example.com","externalId":"r-1"}]}""");
    Reply withinRequest =
        post(
            tenant,
            path,
            "application/json",
            """
            {"recipients":[{"email":"n0@example.com","externalId":"n-0"},
                           {"email":"n1@example.com","externalId":"n-0"}]}""");
    Reply csvTaken =
        post(
            tenant, path, "text/csv", "email,externalId\nn0@example.com,n-0\nn1@example.com,r-0\n");
    Reply ndjsonAdded =
        post(
            tenant,
            path,
            "application/x-ndjson",
            "{\"email\":\"n0@example.com\",\"externalId\":\"n-0\"}\n");
    Reply csvAdded = post(tenant, path, "text/csv", "email,externalId\nn9@example.com,n-9\n");

    assertThat(taken.status()).as(taken.raw()).isEqualTo(409);
    assertThat(taken.problemType()).isEqualTo("urn:sendout:problem:duplicate-external-id");
    assertThat(taken.body().path("errors").get(0).path("pointer").asString())
        .isEqualTo("/recipients/1/externalId");
    assertThat(taken.body().path("detail").asString()).contains("'r-1'");
    assertThat(withinRequest.status()).isEqualTo(400);
    assertThat(withinRequest.body().path("errors").get(0).path("pointer").asString())
        .isEqualTo("/recipients/1/externalId");
    assertThat(csvTaken.status()).as(csvTaken.raw()).isEqualTo(409);
    assertThat(csvTaken.body().path("errors").get(0).path("pointer").asString())
        .isEqualTo("#line=3/externalId");
    assertThat(ndjsonAdded.status()).as(ndjsonAdded.raw()).isEqualTo(202);
    assertThat(csvAdded.status()).as(csvAdded.raw()).isEqualTo(202);
    assertThat(messages(tenant, id))
        .extracting(m -> m.path("externalId").asString())
        .containsExactly("r-0", "r-1", "n-0", "n-9");
    assertThat(get(tenant, "/v1/sendouts/" + id).body().path("recipientCount").asInt())
        .isEqualTo(4);
  }
}
