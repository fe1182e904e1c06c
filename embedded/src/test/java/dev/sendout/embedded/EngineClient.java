package dev.sendout.embedded;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK_REASON;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.testservice.v1.SleepRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.TestServiceStubs;
import io.temporal.serviceclient.TestServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Talks to a running engine and its sandbox over HTTP, as an API caller and a test would. */
final class EngineClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String api;
  private final String sandbox;
  private final String temporalAddress;
  private final String databaseUrl;
  private final EmbeddedEngine engine;
  private final String apiKey;
  private WorkflowClient temporal;

  /** Calls the API as the engine's development tenant. */
  EngineClient(EmbeddedEngine engine) {
    this(engine, engine.devApiKey());
  }

  /** Calls the API with the given key; null for none. */
  EngineClient(EmbeddedEngine engine, String apiKey) {
    this.engine = engine;
    this.apiKey = apiKey;
    this.api = "http://127.0.0.1:" + engine.apiPort();
    this.sandbox = engine.sendGridBaseUrl();
    this.temporalAddress = engine.temporalAddress();
    this.databaseUrl = engine.databaseUrl();
  }

  /** A Temporal client of the engine's server, as support staff's tools would use. */
  synchronized WorkflowClient temporal() {
    if (temporal == null) {
      temporal =
          WorkflowClient.newInstance(
              WorkflowServiceStubs.newServiceStubs(
                  WorkflowServiceStubsOptions.newBuilder().setTarget(temporalAddress).build()));
    }
    return temporal;
  }

  /** The search attributes of a workflow, as the Temporal UI shows them. */
  SearchAttributes searchAttributes(String workflowId) {
    return temporal().newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes();
  }

  /** Posts SendGrid events to the webhook, signed as SendGrid signs, with the given key. */
  Reply postSendGridEvents(String body, PrivateKey key, Instant signedAt) {
    String timestamp = String.valueOf(signedAt.getEpochSecond());
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(timestamp.getBytes(StandardCharsets.UTF_8));
      signer.update(body.getBytes(StandardCharsets.UTF_8));
      return send(
          HttpRequest.newBuilder(URI.create(api + "/webhooks/sendgrid/events"))
              .header("Content-Type", "application/json")
              .header("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
              .header(
                  "X-Twilio-Email-Event-Webhook-Signature",
                  Base64.getEncoder().encodeToString(signer.sign()))
              .POST(HttpRequest.BodyPublishers.ofString(body)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  Reply postUnsignedSendGridEvents(String body) {
    return send(
        HttpRequest.newBuilder(URI.create(api + "/webhooks/sendgrid/events"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A SendGrid event for one of our messages, as the Event Webhook carries it. */
  static String sendGridEvent(String type, JsonNode message) {
    return JSON.createObjectNode()
        .put("email", message.path("address").asText())
        .put("timestamp", Instant.now().getEpochSecond())
        .put("event", type)
        .put("sg_event_id", UUID.randomUUID().toString())
        .put("sg_message_id", message.path("providerMessageId").asText() + ".filterdrecv-1.0")
        .put("message_id", message.path("id").asText())
        .toString();
  }

  record Reply(int status, HttpResponse<String> raw, JsonNode body) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  /** Posts a Vonage status to the webhook, signed as Vonage signs, with the given secret. */
  Reply postVonageStatus(String body, String secret, Instant issuedAt) {
    return postVonageStatus(body, vonageAuthorization(body, secret, issuedAt));
  }

  /** The Authorization header Vonage would send with this body. */
  static String vonageAuthorization(String body, String secret, Instant issuedAt) {
    return "Bearer "
        + JWT.create()
            .withIssuedAt(issuedAt)
            .withJWTId(UUID.randomUUID().toString())
            .withIssuer("Vonage")
            .withClaim("payload_hash", sha256Hex(body))
            .sign(Algorithm.HMAC256(secret));
  }

  Reply postVonageStatus(String body, String authorization) {
    var request =
        HttpRequest.newBuilder(URI.create(api + "/webhooks/vonage/status"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(request);
  }

  /** A Vonage status for one of our messages, as the status webhook carries it. */
  static String vonageStatus(String status, JsonNode message) {
    return JSON.createObjectNode()
        .put("message_uuid", message.path("providerMessageId").asText())
        .put("to", message.path("address").asText().substring(1))
        .put("from", "Surveys")
        .put("timestamp", Instant.now().toString())
        .put("status", status)
        .put("client_ref", message.path("id").asText())
        .put("channel", "sms")
        .toString();
  }

  private static String sha256Hex(String body) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode smsSendout(int recipients) {
    ObjectNode body = JSON.createObjectNode();
    body.put("channel", "SMS");
    body.putObject("from").put("senderId", "Surveys");
    body.put("text", "Hi {{firstName}}, how was your visit? {{surveyUrl}}");
    ArrayNode list = body.putArray("recipients");
    for (int i = 0; i < recipients; i++) {
      ObjectNode r = list.addObject().put("phone", "+4479111%05d".formatted(i));
      r.putObject("variables")
          .put("firstName", "U" + i)
          .put("surveyUrl", "https://s.example.com/" + i);
    }
    return body;
  }

  static ObjectNode emailSendout(int recipients) {
    ObjectNode body = JSON.createObjectNode();
    body.put("channel", "EMAIL");
    body.putObject("from").put("email", "surveys@example.com").put("name", "Example Surveys");
    body.put("subject", "{{firstName}}, how was your visit?");
    body.put("text", "Hello {{firstName}}, tell us: {{surveyUrl}}");
    ArrayNode list = body.putArray("recipients");
    for (int i = 0; i < recipients; i++) {
      ObjectNode r = list.addObject().put("email", "user" + i + "@example.com");
      r.putObject("variables")
          .put("firstName", "U" + i)
          .put("surveyUrl", "https://s.example.com/" + i);
    }
    return body;
  }

  Reply createSendout(String body, String idempotencyKey) {
    return post("/v1/sendouts", body, idempotencyKey);
  }

  Reply get(String path) {
    return send(toApi(path).GET());
  }

  /** A request to the api, with this client's API key for the {@code /v1} paths. */
  private HttpRequest.Builder toApi(String path) {
    var request = HttpRequest.newBuilder(URI.create(api + path));
    if (apiKey != null && path.startsWith("/v1")) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return request;
  }

  /** Posts JSON to the api, with an Idempotency-Key unless it is null. */
  Reply post(String path, String body, String idempotencyKey) {
    var request =
        toApi(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return send(request);
  }

  /** Posts JSON to the api with the given bearer token (the admin's), or none. */
  Reply postAs(String path, String body, String token) {
    var request =
        HttpRequest.newBuilder(URI.create(api + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  Reply deleteAs(String path, String token) {
    return send(
        HttpRequest.newBuilder(URI.create(api + path))
            .header("Authorization", "Bearer " + token)
            .DELETE());
  }

  /** A support action on a sendout, as support staff's tools would post it. */
  Reply action(String sendoutId, String action, String by, String note) {
    return action(sendoutId, action, by, note, null);
  }

  /** {@link #action(String, String, String, String)} under an Idempotency-Key, unless null. */
  Reply action(String sendoutId, String action, String by, String note, String idempotencyKey) {
    ObjectNode body = JSON.createObjectNode().put("by", by);
    if (note != null) {
      body.put("note", note);
    }
    return post("/v1/sendouts/" + sendoutId + "/" + action, body.toString(), idempotencyKey);
  }

  /** The first worker's health. */
  Reply workerHealth() {
    return send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + engine.workerPort() + "/actuator/health"))
            .GET());
  }

  /**
   * A gauge's value in the first worker's Prometheus scrape, for the series whose labels include
   * {@code label}; NaN when there is none.
   */
  double workerGauge(String name, String label) {
    String scrape =
        send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + engine.workerPort() + "/actuator/prometheus"))
                .GET())
            .raw()
            .body();
    Matcher m =
        Pattern.compile(
                "^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /** Polls {@code condition} until it holds, or fails after {@code timeout} naming {@code what}. */
  static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Not within " + timeout + ": " + what);
      }
      Thread.sleep(100);
    }
  }

  /** The first row of a query on the engine's database, its columns as text. */
  List<String> queryRow(String query) throws SQLException {
    try (var db = DriverManager.getConnection(databaseUrl, "postgres", "");
        var statement = db.createStatement();
        var rows = statement.executeQuery(query)) {
      rows.next();
      List<String> row = new ArrayList<>();
      for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
        row.add(rows.getString(column));
      }
      return row;
    }
  }

  /** Runs SQL on the engine's database: to inject a fault a test needs, and to remove it. */
  void sql(String statement) throws SQLException {
    try (var db = DriverManager.getConnection(databaseUrl, "postgres", "");
        var update = db.createStatement()) {
      update.execute(statement);
    }
  }

  Reply sandbox(String method, String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(sandbox + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A request to any URL with no API key, as a mailbox provider or a browser sends it. */
  Reply anonymous(String method, String url, String contentType, String body) {
    var request =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  /** No faults, and receipts for every message, promptly and once each. */
  void resetSandbox() {
    sandbox(
        "PUT",
        "/sandbox/sendgrid/faults",
        "{\"latencyMs\":0,\"throttleRate\":0,\"serverErrorRate\":0,\"rejectCredentials\":false}");
    receipts(
        "{\"silenceRate\":0,\"dropRate\":0,\"bounceRate\":0,\"deferredRate\":0,"
            + "\"asyncBounceRate\":0,\"outOfOrderRate\":0,\"duplicates\":1,"
            + "\"deliveryDelayMs\":200}");
  }

  /** Changes how the sandbox Vonage sends statuses; fails the test if the sandbox refuses. */
  void vonageStatuses(String settings) {
    Reply r = sandbox("PUT", "/sandbox/vonage/statuses", settings);
    if (r.status() != 200) {
      throw new AssertionError("Sandbox refused status settings: " + r.raw().body());
    }
  }

  /**
   * Moves the test server's clock ahead, firing every timer on the way as if that much time had
   * passed: Temporal's time skipping, on the engine's own server. The call returns once every timer
   * up to then has fired and its work has run, which for days of watchdog passes takes far longer
   * than the stub's default ten-second deadline on a loaded machine.
   */
  void skipTime(Duration duration) {
    TestServiceStubs testService =
        TestServiceStubs.newServiceStubs(
            TestServiceStubsOptions.newBuilder()
                .setTarget(temporalAddress)
                // The stubs' own deadline (10 s by default) cut the call below short of its three
                // minutes, and their keep-alive pings over a call that long made the server close
                // the connection (too_many_pings).
                .setRpcTimeout(Duration.ofMinutes(3))
                .setEnableKeepAlive(false)
                .validateAndBuildWithDefaults());
    try {
      testService
          .blockingStub()
          .withDeadlineAfter(3, TimeUnit.MINUTES)
          .unlockTimeSkippingWithSleep(
              SleepRequest.newBuilder()
                  .setDuration(
                      com.google.protobuf.Duration.newBuilder()
                          .setSeconds(duration.getSeconds())
                          .build())
                  .build());
    } finally {
      testService.shutdownNow();
    }
  }

  /**
   * Moves the test server's clock to just past {@code at}, from wherever it stands (earlier tests
   * may have moved it ahead of the wall clock): the timers due by then fire, and the work they
   * start runs at the wall clock's pace, as it would without skipping.
   */
  void skipTimeTo(Instant at) {
    Duration left = Duration.between(engineTime(), at).plusSeconds(2);
    if (!left.isNegative() && !left.isZero()) {
      skipTime(left);
    }
  }

  /** The test server's clock: the workflows' time, ahead of the wall clock once time skipped. */
  Instant engineTime() {
    TestServiceStubs testService =
        TestServiceStubs.newServiceStubs(
            TestServiceStubsOptions.newBuilder()
                .setTarget(temporalAddress)
                .validateAndBuildWithDefaults());
    try {
      var time =
          testService
              .blockingStub()
              .getCurrentTime(com.google.protobuf.Empty.getDefaultInstance())
              .getTime();
      return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
    } finally {
      testService.shutdownNow();
    }
  }

  /** Changes how the sandbox sends receipts; fails the test if the sandbox refuses. */
  void receipts(String settings) {
    Reply r = sandbox("PUT", "/sandbox/sendgrid/receipts", settings);
    if (r.status() != 200) {
      throw new AssertionError("Sandbox refused receipt settings: " + r.raw().body());
    }
  }

  /** Every message of the sendout, page after page. */
  List<JsonNode> messagesOf(String id) {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    do {
      Reply page =
          get(
              "/v1/sendouts/"
                  + id
                  + "/messages?limit=1000"
                  + (cursor == null ? "" : "&cursor=" + cursor));
      if (page.status() != 200) {
        throw new AssertionError("Listing messages failed: " + page.raw().body());
      }
      page.body().path("items").forEach(all::add);
      cursor =
          page.body().path("nextCursor").isNull() ? null : page.body().path("nextCursor").asText();
    } while (cursor != null);
    return all;
  }

  /** How many times the sandbox SendGrid accepted the message. */
  int sandboxSendCount(String messageId) {
    Reply r = sandbox("GET", "/sandbox/sendgrid/messages/" + messageId, null);
    return r.status() == 404 ? 0 : r.body().path("sendCount").asInt();
  }

  /** How many times the sandbox Vonage accepted the message, by the client_ref it carried. */
  int sandboxSmsSendCount(String messageId) {
    int count = 0;
    for (JsonNode sms : sandbox("GET", "/sandbox/vonage/messages?limit=10000", null).body()) {
      count += messageId.equals(sms.path("clientRef").asText()) ? 1 : 0;
    }
    return count;
  }

  /** Waits for the sendout to be COMPLETED, and returns its view then. */
  JsonNode awaitCompleted(String id, Duration timeout) throws InterruptedException {
    return awaitSendout(id, timeout, s -> "COMPLETED".equals(s.path("status").asText()));
  }

  /** Waits until at least {@code messages} of the sendout's are ACCEPTED or DELIVERED. */
  JsonNode awaitTakenByProvider(String id, int messages, Duration timeout)
      throws InterruptedException {
    return awaitSendout(
        id,
        timeout,
        s ->
            s.path("messages").path("ACCEPTED").asInt()
                    + s.path("messages").path("DELIVERED").asInt()
                >= messages);
  }

  /** Polls the sendout until {@code done} holds, or fails after {@code timeout}. */
  JsonNode awaitSendout(String id, Duration timeout, Predicate<JsonNode> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = get("/v1/sendouts/" + id).body();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Sendout " + id + " not done within " + timeout + ": " + last);
  }

  /**
   * Waits up to 30 s for the workflow to show {@code Stuck=stuck} (with {@code
   * StuckReason=NO_RECEIPT} when stuck), as the Temporal UI would.
   */
  void awaitStuckFlag(String workflowId, boolean stuck) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      var attributes = searchAttributes(workflowId);
      if (Boolean.valueOf(stuck).equals(attributes.get(STUCK))) {
        assertThat(attributes.get(STUCK_REASON)).isEqualTo(stuck ? "NO_RECEIPT" : null);
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(workflowId + " never showed Stuck=" + stuck);
      }
      Thread.sleep(200);
    }
  }

  /** How many receipts (events or statuses) the store holds for the sendout's messages. */
  int storedReceipts(String sendoutId) throws SQLException {
    try (var db = DriverManager.getConnection(databaseUrl, "postgres", "");
        var query =
            db.prepareStatement(
                "select count(*) from receipt r join message m on m.id = r.message_id"
                    + " where m.sendout_id = ?::uuid")) {
      query.setString(1, sendoutId);
      var rows = query.executeQuery();
      rows.next();
      return rows.getInt(1);
    }
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(
              request.timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString());
      boolean json = response.headers().firstValue("Content-Type").orElse("").contains("json");
      JsonNode body =
          json && !response.body().isEmpty() ? JSON.readTree(response.body()) : JSON.nullNode();
      return new Reply(response.statusCode(), response, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
