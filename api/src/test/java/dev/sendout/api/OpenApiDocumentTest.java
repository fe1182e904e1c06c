package dev.sendout.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.tenant.ApiKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
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
 * The OpenAPI document as a client generator or a fuzzer reads it: what it says a caller must send
 * is what the API takes. Here the admin API is off, as it is unless a token is configured.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      ApiApplication.CONFIG_NAME,
      "spring.temporal.test-server.enabled=true",
      "sendout.webhooks.vonage.signature-secret=test-secret",
      "sendout.admin.token="
    })
class OpenApiDocumentTest {

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    ApiServerEnvironment.register(registry);
  }

  @LocalServerPort int port;
  @Autowired ApiKeys apiKeys;

  private JsonNode document;

  @BeforeEach
  void fetchTheDocument() throws IOException, InterruptedException {
    document = fetch(port);
  }

  static JsonNode fetch(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v3/api-docs"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JsonMapper.builder().build().readTree(response.body());
  }

  /** Every operation of the document under its path, as "GET /v1/sendouts". */
  static Map<String, JsonNode> operations(JsonNode document) {
    Map<String, JsonNode> operations = new LinkedHashMap<>();
    for (var path : document.path("paths").properties()) {
      for (var operation : path.getValue().properties()) {
        operations.put(
            operation.getKey().toUpperCase() + " " + path.getKey(), operation.getValue());
      }
    }
    return operations;
  }

  @Test
  void noOperationAsksForTheTenantWhichTheApiKeyGives() {
    List<String> asking = new ArrayList<>();
    operations(document)
        .forEach(
            (name, operation) -> {
              for (JsonNode parameter : operation.path("parameters")) {
                if (parameter.path("name").asString().equalsIgnoreCase("tenant")) {
                  asking.add(name);
                }
              }
            });

    assertThat(operations(document)).containsKey("GET /v1/sendouts");
    assertThat(asking).isEmpty();
    assertThat(document.path("components").path("schemas").has("Tenant")).isFalse();
  }

  @Test
  void everyV1OperationNeedsTheBearerApiKeyAndTheWebhooksDoNot() {
    JsonNode scheme = document.path("components").path("securitySchemes").path("apiKey");
    assertThat(scheme.path("type").asString()).isEqualTo("http");
    assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");

    operations(document)
        .forEach(
            (name, operation) -> {
              JsonNode security = operation.path("security");
              if (name.contains(" /v1/")) {
                assertThat(security.size()).as(name).isEqualTo(1);
                assertThat(security.get(0).has("apiKey")).as(name).isTrue();
              } else {
                assertThat(security.isMissingNode() || security.isEmpty()).as(name).isTrue();
              }
            });
    assertThat(document.path("security").isMissingNode()).isTrue();
  }

  @Test
  void theBodiesThatCarryRecipientsSayHowManyARequestTakes() {
    JsonNode schemas = document.path("components").path("schemas");
    for (String body : List.of("CreateSendoutRequest", "AddRecipientsRequest")) {
      JsonNode recipients = schemas.path(body).path("properties").path("recipients");
      assertThat(recipients.path("maxItems").asInt()).as(body).isEqualTo(10_000);
    }
  }

  @Test
  void theHeadersTheAnswersCarryAreDeclared() {
    JsonNode create = document.path("paths").path("/v1/sendouts").path("post").path("responses");
    assertThat(create.path("202").path("headers").propertyNames())
        .contains("Location", "Idempotent-Replayed");
    assertThat(create.path("429").path("headers").has("Retry-After")).isTrue();
    JsonNode pause =
        document.path("paths").path("/v1/sendouts/{id}/{action}").path("post").path("responses");
    assertThat(pause.path("200").path("headers").has("Idempotent-Replayed")).isTrue();
    assertThat(pause.path("503").path("headers").has("Retry-After")).isTrue();
  }

  /** It said "OpenAPI definition", version v0: springdoc's placeholder. */
  @Test
  void theDocumentNamesTheApi() {
    assertThat(document.path("info").path("title").asString()).isEqualTo("Sendout engine API");
    assertThat(document.path("info").path("description").asString()).isNotBlank();
  }

  @Test
  void onlyTheApiAndTheWebhooksAreDescribed() {
    assertThat(document.path("paths").propertyNames())
        .isNotEmpty()
        .allMatch(path -> path.startsWith("/v1/") || path.startsWith("/webhooks/"));
  }

  @Test
  void theAdminApiIsNotDescribedWhenItIsOff() {
    assertThat(document.path("paths").propertyNames()).noneMatch(path -> path.startsWith("/admin"));
    assertThat(document.path("components").path("securitySchemes").has("adminToken")).isFalse();
    assertThat(document.toString()).doesNotContain("IssueRequest", "IssuedKey", "KeyInfo");
  }

  @Test
  void theResponsesOperationTakesJsonOrNdjsonAndAnswersAResultPerResponse() {
    JsonNode post = document.path("paths").path("/v1/sendouts/{id}/responses").path("post");
    assertThat(post.path("requestBody").path("content").propertyNames())
        .as(post.toString())
        .contains("application/json", "application/x-ndjson");
    assertThat(post.path("responses").path("200").path("content").toString())
        .contains("ResponsesAnswer");
    JsonNode result = document.path("components").path("schemas").path("Result");
    assertThat(result.path("properties").path("result").path("enum").toString())
        .contains("RECORDED", "ALREADY_RECORDED", "UNKNOWN", "INVALID");
    JsonNode view = document.path("components").path("schemas").path("SendoutView");
    assertThat(view.path("properties").has("responses")).isTrue();
    JsonNode message = document.path("components").path("schemas").path("StoredMessage");
    assertThat(message.path("properties").has("respondedAt")).isTrue();
    assertThat(message.path("properties").has("externalId")).isTrue();
  }

  @Test
  void theUploadsAreDescribedBesideTheJsonBodiesTheyShareAnOperationWith() {
    JsonNode recipients = document.path("paths").path("/v1/sendouts/{id}/recipients").path("post");
    assertThat(recipients.path("requestBody").path("content").propertyNames())
        .as(recipients.toString())
        .containsExactlyInAnyOrder("application/json", "application/x-ndjson", "text/csv");
    assertThat(recipients.path("requestBody").path("content").path("application/json").toString())
        .contains("AddRecipientsRequest");
    JsonNode suppressions = document.path("paths").path("/v1/suppressions").path("post");
    assertThat(suppressions.path("requestBody").path("content").propertyNames())
        .as(suppressions.toString())
        .containsExactlyInAnyOrder("application/json", "text/csv");
  }

  @Test
  void theListingDescribesItsFiltersAndBothPages() {
    JsonNode list = document.path("paths").path("/v1/sendouts").path("get");
    List<String> parameters = list.path("parameters").findValuesAsString("name");

    assertThat(parameters)
        .containsExactlyInAnyOrder(
            "stuck", "status", "channel", "createdFrom", "createdTo", "reason", "cursor", "limit");
    assertThat(list.path("responses").has("400")).isTrue();
    assertThat(list.path("responses").path("200").toString())
        .contains("SendoutPage", "StuckSendoutPage");
  }

  /**
   * Found by schemathesis on its first run: errors were described with the operation's success
   * schema as any media type, so a 404 problem "violated" the SendoutView schema.
   */
  @Test
  void everyErrorIsDescribedAsAProblemInJson() {
    JsonNode problem = document.path("components").path("schemas").path("Problem");
    assertThat(problem.path("properties").propertyNames())
        .contains("type", "title", "status", "detail", "errors");

    operations(document)
        .forEach(
            (name, operation) -> {
              for (var response : operation.path("responses").properties()) {
                if (response.getKey().compareTo("400") >= 0) {
                  JsonNode content = response.getValue().path("content");
                  assertThat(content.propertyNames())
                      .as(name + " " + response.getKey())
                      .containsExactly("application/problem+json");
                  assertThat(content.path("application/problem+json").path("schema").path("$ref"))
                      .as(name + " " + response.getKey())
                      .hasToString("\"#/components/schemas/Problem\"");
                }
              }
            });
  }

  /**
   * Found by schemathesis on its first run: no operation described the 401 every /v1 call answers
   * without a key, nor the 400 Tomcat answers for a malformed path, and reading a sendout, its
   * messages or its audit trail described only errors.
   */
  @Test
  void everyV1OperationDescribesItsSuccessAndTheErrorsEveryCallCanMeet() {
    operations(document)
        .forEach(
            (name, operation) -> {
              JsonNode responses = operation.path("responses");
              assertThat(responses.propertyNames()).as(name).anyMatch(code -> code.startsWith("2"));
              responses
                  .properties()
                  .forEach(
                      response ->
                          assertThat(response.getValue().path("content").propertyNames())
                              .as(name + " " + response.getKey())
                              .isSubsetOf("application/json", "application/problem+json"));
              if (name.contains(" /v1/")) {
                assertThat(responses.propertyNames()).as(name).contains("400", "401", "429", "503");
              }
              if (operation.has("requestBody")) {
                assertThat(responses.propertyNames()).as(name).contains("400", "415");
              }
            });
  }

  /**
   * Found by schemathesis once it read real sendouts: a sendout not yet sent answers {@code
   * "sentAt": null} and one not stuck {@code "stuck": null}, which the document said could not be.
   */
  @Test
  void fieldsOfAnAnswerThatJacksonMayWriteAsNullAreDescribedAsNullable() {
    JsonNode view = document.path("components").path("schemas").path("SendoutView");
    assertThat(view.path("properties").path("sentAt").path("type").toString())
        .isEqualTo("[\"string\",\"null\"]");
    assertThat(view.path("properties").path("stuck").path("anyOf").toString())
        .contains("#/components/schemas/Stuck", "\"null\"");
    assertThat(view.path("properties").path("status").path("enum").toString()).contains("null");
    JsonNode request = document.path("components").path("schemas").path("CreateSendoutRequest");
    assertThat(request.path("properties").path("subject").path("type").asString())
        .isEqualTo("string");
  }

  /**
   * Found by schemathesis on its first run: the upload's Content-Type was described as a required
   * header parameter of an object type, which a client cannot send as written.
   */
  @Test
  void noOperationDescribesContentTypeAsAParameter() {
    operations(document)
        .forEach(
            (name, operation) ->
                assertThat(operation.path("parameters").findValuesAsString("name"))
                    .as(name)
                    .noneMatch(parameter -> parameter.equalsIgnoreCase("Content-Type")));
    assertThat(document.path("components").path("schemas").has("MediaType")).isFalse();
  }

  /**
   * Found by schemathesis's check that schema-valid requests are accepted: a body with a field the
   * API does not know is a 400, which the document did not say, and the example it built from the
   * fields' own examples gave an email recipient a phone and named a response's recipient three
   * ways at once. Only request schemas are closed; an answer may gain fields.
   */
  @Test
  void requestBodiesAreClosedSayWhatTheyRequireAndTheirExamplesAreAccepted() throws Exception {
    JsonNode schemas = document.path("components").path("schemas");
    for (String request :
        new String[] {
          "CreateSendoutRequest", "Recipient", "Sender", "AddRecipientsRequest", "ResponsesRequest"
        }) {
      assertThat(schemas.path(request).path("additionalProperties").asBoolean(true))
          .as(request)
          .isFalse();
    }
    assertThat(schemas.path("SendoutView").has("additionalProperties")).isFalse();
    assertThat(schemas.path("CreateSendoutRequest").path("required").toString())
        .contains("\"channel\"", "\"from\"", "\"recipients\"");
    assertThat(schemas.path("ResponsesRequest").path("required").toString())
        .contains("\"responses\"");
    assertThat(schemas.path("Window").path("required").toString()).contains("\"start\"", "\"end\"");
    List<Integer> keyLengths = new ArrayList<>();
    for (JsonNode parameter : operations(document).get("POST /v1/sendouts").path("parameters")) {
      if (parameter.path("name").asString().equals("Idempotency-Key")) {
        keyLengths.add(parameter.path("schema").path("maxLength").asInt());
      }
    }
    assertThat(keyLengths).containsExactly(255);

    String key = apiKeys.issue("tenant-openapi-examples", "openapi-document-test").key();
    HttpResponse<String> created =
        post("/v1/sendouts", schemas.path("CreateSendoutRequest").path("example"), key);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = JsonMapper.builder().build().readTree(created.body()).path("id").asString();
    HttpResponse<String> added =
        post(
            "/v1/sendouts/" + id + "/recipients",
            schemas.path("AddRecipientsRequest").path("example"),
            key);
    assertThat(added.statusCode()).as(added.body()).isEqualTo(202);
    HttpResponse<String> responses =
        post(
            "/v1/sendouts/" + id + "/responses",
            schemas.path("ResponsesRequest").path("example"),
            key);
    assertThat(responses.statusCode()).as(responses.body()).isEqualTo(200);
    assertThat(responses.body()).doesNotContain("INVALID");
  }

  private HttpResponse<String> post(String path, JsonNode body, String key)
      throws IOException, InterruptedException {
    assertThat(body.isObject()).as(path + ": an example").isTrue();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
