package dev.sendout.api.problem;

import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.sendout.api.ApiApplication;
import dev.sendout.api.ApiServerEnvironment;
import dev.sendout.api.RawHttp;
import dev.sendout.core.tenant.ApiKeys;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests a hostile or careless caller sends, over HTTP to the api as it runs: whatever is wrong
 * with their headers or body, the answer is a 4xx problem in JSON with a stable type, from Spring
 * and from Tomcat alike, and it names no Java type.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      ApiApplication.CONFIG_NAME,
      "spring.temporal.test-server.enabled=true",
      "sendout.webhooks.vonage.signature-secret=test-secret"
    })
@ExtendWith(OutputCaptureExtension.class)
class MalformedRequestsTest {

  private static final String TENANT = "tenant-malformed";

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    ApiServerEnvironment.register(registry);
  }

  @LocalServerPort int port;
  @Autowired ApiKeys apiKeys;
  @Autowired DSLContext db;

  private final HttpClient http = HttpClient.newHttpClient();
  private String apiKey;

  record Reply(int status, String contentType, String body) {
    static Reply of(RawHttp.Reply raw) {
      return new Reply(raw.status(), raw.header("Content-Type"), raw.body());
    }

    JsonNode json() {
      return JsonMapper.builder().build().readTree(body);
    }
  }

  private String apiKey() {
    if (apiKey == null) {
      apiKey = apiKeys.issue(TENANT, "malformed-requests-test").key();
    }
    return apiKey;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + apiKey());
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The answer on a connection the test writes its request to itself. */
  private static Reply reply(Socket socket) throws IOException {
    return Reply.of(
        RawHttp.read(new DataInputStream(new BufferedInputStream(socket.getInputStream()))));
  }

  /** The answer to {@code request}, written as it is on a connection of the test's own. */
  private RawHttp.Reply exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return RawHttp.read(new DataInputStream(new BufferedInputStream(socket.getInputStream())));
    }
  }

  private static final String CREATE =
      """
      {"channel":"EMAIL","from":{"email":"surveys@example.com"},"subject":"Hello",
       "text":"Take our survey","recipients":[{"email":"ann@example.com"}]}""";

  private Reply post(String path, String contentType, String body) {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A problem in JSON of a 4xx status with a type of this API, naming no Java internals. */
  private static void assertProblem(Reply reply, int status) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.contentType()).as(reply.body()).startsWith("application/problem+json");
    assertThat(reply.json().path("type").asString()).startsWith("urn:sendout:problem:");
    assertThat(reply.body()).doesNotContainPattern("java\\.|jakarta\\.|tools\\.jackson|Exception");
  }

  @Test
  void aContentTypeThatIsNoMediaTypeIsRefusedAs415AndWithoutAKeyAs401() {
    for (String type : new String[] {"garbage", "text/", ";"}) {
      assertProblem(post("/v1/sendouts", type, CREATE), 415);
    }
    assertProblem(
        send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/sendouts"))
                .header("Content-Type", "garbage")
                .POST(HttpRequest.BodyPublishers.ofString(CREATE))),
        401);
  }

  /**
   * Found by schemathesis's missing-header check: a POST without a key or a Content-Type was a 415,
   * and an unknown path or method a 404 or 405, which tell a caller without a key what exists.
   */
  @Test
  void withoutAKeyEveryRequestIsA401BeforeItsPathMethodOrMediaTypeIsLookedAt() throws Exception {
    String sendout = "/v1/sendouts/" + java.util.UUID.randomUUID();
    for (HttpRequest.Builder request :
        new HttpRequest.Builder[] {
          withoutKey(sendout + "/responses").POST(HttpRequest.BodyPublishers.noBody()),
          withoutKey("/v1/sendouts").header("Accept", "text/html").GET(),
          withoutKey("/v1/no-such-thing").GET(),
          withoutKey("/v1/sendouts").DELETE(),
          withoutKey("/admin/no-such-thing").GET()
        }) {
      Reply reply = send(request);
      assertProblem(
          reply, reply.json().path("instance").asString().startsWith("/admin") ? 404 : 401);
    }
    Reply twoKeys =
        send(request("/v1/sendouts").header("Authorization", "Bearer sok_someone_else").GET());
    assertProblem(twoKeys, 400);
    assertThat(twoKeys.body()).contains("one Authorization header");
    // Paths Spring MVC routes to /v1 although they are not written so.
    for (String path : new String[] {"/v1;x=y/sendouts", "/%761/sendouts", "/v1/..", "/v1/../x"}) {
      assertProblem(
          Reply.of(
              exchange(
                  "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                      .formatted(path))),
          401);
    }
  }

  /** Found by the third hostile sweep: the listing came labelled application/problem+json. */
  @Test
  void anAnswerIsJsonWhenTheAcceptHeaderPrefersProblems() {
    Reply answer = send(request("/v1/sendouts").header("Accept", "application/problem+json").GET());
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).startsWith("application/json");
    assertProblem(
        send(
            request("/v1/sendouts/" + java.util.UUID.randomUUID())
                .header("Accept", "application/problem+json")
                .GET()),
        404);
  }

  /**
   * Found by the fourth hostile sweep: a Content-Type whose charset has no name was a 500 on every
   * path, health included, before the key was checked, with five stack traces in the log.
   */
  @Test
  void aCharsetWithoutANameIsNoErrorOfOursOnAnyPath(CapturedOutput output) {
    for (String path :
        new String[] {"/v1/sendouts", "/actuator/health", "/webhooks/sendgrid/events"}) {
      Reply reply = send(withoutKey(path).header("Content-Type", "text/plain; charset=").GET());
      assertThat(reply.status()).as(path + " " + reply.body()).isBetween(200, 499);
    }
    assertThat(output.getOut()).doesNotContain("IllegalCharsetNameException");
  }

  /** Found by the fourth hostile sweep: the last of two "channel" fields won. */
  @Test
  void aFieldGivenTwiceIsA400() {
    Reply reply =
        post(
            "/v1/sendouts",
            "application/json",
            CREATE.replace("{\"channel\":\"EMAIL\"", "{\"channel\":\"SMS\",\"channel\":\"EMAIL\""));
    assertProblem(reply, 400);
    assertThat(reply.body()).contains("channel");
  }

  /** A misspelt filter listed every sendout, as if it had filtered them. */
  @Test
  void aQueryParameterTheOperationDoesNotTakeIsA400NamingIt() {
    Reply misspelt = send(request("/v1/sendouts?stauts=SENT&limit=5").GET());
    assertProblem(misspelt, 400);
    assertThat(misspelt.json().path("errors").get(0).path("pointer").asString())
        .isEqualTo("stauts");
    assertThat(misspelt.json().path("detail").asString()).contains("status", "limit");

    String id = post("/v1/sendouts", "application/json", CREATE).json().path("id").asString();
    assertProblem(send(request("/v1/sendouts/" + id + "?verbose=true").GET()), 400);
    assertThat(send(request("/v1/sendouts/" + id + "/messages?limit=5").GET()).status())
        .isEqualTo(200);
    Reply two = send(request("/v1/sendouts/" + id + "/messages?status=DELIVERED,QUEUED").GET());
    assertProblem(two, 400);
    assertThat(two.json().path("detail").asString())
        .as("not 'unknown status'")
        .contains("one status at a time");
  }

  /**
   * Spring joined repeated values with commas: two Idempotency-Key headers made a key of their own
   * (the same two in the other order created a second sendout), and ?limit=1&limit=2 was taken.
   */
  @Test
  void aHeaderOrAQueryParameterOfOneValueGivenSeveralTimesIsA400NamingIt() {
    Reply twoKeys =
        send(
            request("/v1/sendouts")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "dup1")
                .header("Idempotency-Key", "dup2")
                .POST(HttpRequest.BodyPublishers.ofString(CREATE)));
    assertProblem(twoKeys, 400);
    assertThat(twoKeys.json().path("errors").get(0).path("pointer").asString())
        .isEqualTo("Idempotency-Key");

    Reply twoTypes = createWithTypes("application/json", "text/plain");
    assertProblem(twoTypes, 400);
    assertThat(twoTypes.json().path("errors").get(0).path("pointer").asString())
        .isEqualTo("Content-Type");
    Reply sameTypeTwice = createWithTypes("application/json", "application/json");
    assertThat(sameTypeTwice.status()).as(sameTypeTwice.body()).isEqualTo(202);

    Reply twoLimits = send(request("/v1/sendouts?limit=1&limit=2").GET());
    assertProblem(twoLimits, 400);
    assertThat(twoLimits.json().path("errors").get(0).path("pointer").asString())
        .isEqualTo("limit");
    assertThat(send(request("/v1/sendouts?status=SENT&status=COMPLETED").GET()).status())
        .as("a filter of several values")
        .isEqualTo(200);
  }

  /** A charset Java does not know made the 415 say that no Content-Type was sent at all. */
  @Test
  void aContentTypeWithAnUnknownCharsetIsNamedInTheRefusal() {
    Reply refused = post("/v1/sendouts", "application/json; charset=x-nope", CREATE);
    assertProblem(refused, 415);
    assertThat(refused.json().path("detail").asString())
        .endsWith("not 'application/json; charset=x-nope'");
  }

  /** A whole number too long for the parameter was called "not a whole number". */
  @Test
  void aWholeNumberOutOfTheParametersRangeIsSaidToBeSo() {
    Reply tooLong = send(request("/v1/sendouts?limit=99999999999").GET());
    assertProblem(tooLong, 400);
    assertThat(tooLong.json().path("errors").get(0).path("detail").asString())
        .isEqualTo("invalid value, out of range");
    Reply notANumber = send(request("/v1/sendouts?limit=1.5").GET());
    assertProblem(notANumber, 400);
    assertThat(notANumber.json().path("errors").get(0).path("detail").asString())
        .isEqualTo("invalid value, expected a whole number");
  }

  /**
   * A hostile sweep: Spring read {@code 0x10} as 16, and {@code +5}, {@code " 5"} and an
   * Arabic-Indic three as numbers, while it refused {@code 1e2}.
   */
  @Test
  void aWholeNumberIsDecimalDigitsAndNothingElse() {
    for (String limit : List.of("0x10", "%2B5", "%205", "5%20", "%D9%A3", "%235", "1e2")) {
      Reply reply = send(request("/v1/sendouts?limit=" + limit).GET());
      assertProblem(reply, 400);
      assertThat(reply.json().path("errors").get(0).path("detail").asString())
          .as(limit)
          .isEqualTo("invalid value, expected a whole number");
    }
    assertThat(send(request("/v1/sendouts?limit=007").GET()).status()).isEqualTo(200);
    Reply negative = send(request("/v1/sendouts?limit=-1").GET());
    assertProblem(negative, 400);
    assertThat(negative.json().path("errors").get(0).path("detail").asString())
        .startsWith("must be between 1 and ");
  }

  /**
   * Valid JSON over a bound of the parser (a name longer than 50,000 characters) was "not valid
   * JSON", which sent the caller looking for a syntax error. A number where a string goes is "must
   * be a string", however large.
   */
  @Test
  void jsonOverAParsersLimitIsSaidToBeSo() {
    Reply longName =
        post(
            "/v1/sendouts",
            "application/json",
            CREATE.replace(
                "{\"email\":\"ann@example.com\"}",
                "{\"email\":\"ann@example.com\",\"variables\":{\""
                    + "n".repeat(100_000)
                    + "\":\"x\"}}"));
    assertProblem(longName, 400);
    assertThat(longName.json().path("detail").asString())
        .startsWith("The body is over a bound of the JSON reader: Name length (")
        .endsWith("exceeds the maximum allowed (50000)");
    Reply hugeNumber =
        post("/v1/sendouts", "application/json", CREATE.replace("\"Hello\"", "1e400"));
    assertProblem(hugeNumber, 400);
    assertThat(hugeNumber.json().path("detail").asString()).isEqualTo("/subject: must be a string");
  }

  /**
   * A recipient who clicks a truncated unsubscribe link in a browser was shown raw JSON: a browser
   * (Accept: text/html) gets a page; any other caller, a mailbox provider's one-click POST, the
   * problem.
   */
  @Test
  void aBrokenUnsubscribeLinkIsAPageForABrowserAndAProblemForAnyoneElse() {
    Reply browser =
        send(
            withoutKey("/u/no-such-token")
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .GET());
    assertThat(browser.status()).isEqualTo(404);
    assertThat(browser.contentType()).startsWith("text/html");
    assertThat(browser.body()).contains("This unsubscribe link is not valid");
    assertProblem(
        send(withoutKey("/u/no-such-token").POST(HttpRequest.BodyPublishers.noBody())), 404);
    assertProblem(send(withoutKey("/u/no-such-token").header("Accept", "text/").GET()), 404);
  }

  /** A create with a Content-Type header for each of {@code types}. */
  private Reply createWithTypes(String... types) {
    HttpRequest.Builder create = request("/v1/sendouts");
    for (String type : types) {
      create.header("Content-Type", type);
    }
    return send(create.POST(HttpRequest.BodyPublishers.ofString(CREATE)));
  }

  private HttpRequest.Builder withoutKey(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
  }

  /**
   * Found by a newcomer's walkthrough: a value of the wrong JSON type was "unexpected value or
   * field", which reads as a misspelt field.
   */
  @Test
  void aValueOfTheWrongJsonTypeSaysWhichTypeAndAnUnknownFieldSaysSo() {
    Reply string =
        post(
            "/v1/sendouts",
            "application/json",
            CREATE.replace("[{\"email\":\"ann@example.com\"}]", "[\"ann@example.com\"]"));
    Reply array =
        post(
            "/v1/sendouts",
            "application/json",
            CREATE.replace("[{\"email\":\"ann@example.com\"}]", "\"ann@example.com\""));
    Reply variable =
        post(
            "/v1/sendouts",
            "application/json",
            CREATE.replace(
                "\"ann@example.com\"}", "\"ann@example.com\",\"variables\":{\"x\":{\"y\":1}}}"));
    Reply unknown =
        post("/v1/sendouts", "application/json", CREATE.replace("\"text\"", "\"txet\""));

    for (Reply reply : List.of(string, array, variable, unknown)) {
      assertProblem(reply, 400);
    }
    assertThat(
            Stream.of(string, array, variable, unknown)
                .map(reply -> reply.json().path("detail").asString()))
        .containsExactly(
            "/recipients/0: must be an object",
            "/recipients: must be an array",
            "/recipients/0/variables/x: must be a string",
            "/txet: unknown field");
  }

  /** Found by a newcomer's walkthrough: a 415 said only which type it refused. */
  @Test
  void a415NamesTheTypesTheOperationReads() {
    Reply create = post("/v1/sendouts", "application/x-www-form-urlencoded", CREATE);
    Reply yaml = post("/v1/sendouts", "application/yaml", "channel: EMAIL\n");
    String id = post("/v1/sendouts", "application/json", CREATE).json().path("id").asString();
    Reply upload = post("/v1/sendouts/" + id + "/recipients", "text/plain", "ann@example.com");

    assertProblem(create, 415);
    assertProblem(upload, 415);
    assertProblem(yaml, 415);
    assertThat(create.json().path("detail").asString())
        .isEqualTo(
            "This operation reads a body of Content-Type application/json, application/*+json,"
                + " not 'application/x-www-form-urlencoded'");
    assertThat(upload.json().path("detail").asString())
        .contains("application/json", "application/x-ndjson", "text/csv", "not 'text/plain'");
    // Found by a second reader: declaring JSON refused the +json types the addition took before.
    assertThat(
            post(
                    "/v1/sendouts/" + id + "/recipients",
                    "application/merge-patch+json",
                    "{\"recipients\":[{\"email\":\"bo@example.com\"}]}")
                .status())
        .isEqualTo(202);
  }

  @Test
  void aMultipartBodyIsAnUnsupportedMediaType() {
    assertProblem(
        post(
            "/v1/sendouts",
            "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n"),
        415);
  }

  @Test
  void aCorsPreflightAllowsNoOriginAndNeverFails() {
    Reply reply =
        send(
            request("/v1/sendouts")
                .header("Origin", "https://evil.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Content-Type", "garbage")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(reply.status()).as(reply.body()).isLessThan(500);
    assertThat(reply.body()).doesNotContain("Access-Control-Allow-Origin");
  }

  /** A browser sends a preflight no key: it was a 500 and two ERRORs in the log without one. */
  @Test
  void aCorsPreflightWithoutAKeyOrWithAWrongOneIsNoError(CapturedOutput output) {
    for (String path : new String[] {"/v1/sendouts", "/admin/api-keys"}) {
      for (String authorization : new String[] {null, "Bearer sok_wrong"}) {
        HttpRequest.Builder preflight =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Origin", "http://e.example.com")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
          preflight.header("Authorization", authorization);
        }
        Reply reply = send(preflight);

        assertThat(reply.status()).as(path + " " + authorization).isLessThan(500);
      }
    }
    assertThat(output.getOut())
        .doesNotContain("Unexpected error")
        .doesNotContain("Servlet.service()");
  }

  /** Found by schemathesis on its first run: Tomcat's parameter error reached the catch-all 500. */
  @Test
  void aQueryParameterWithoutANameIsA400ProblemNotA500() {
    assertProblem(send(request("/v1/sendouts?channel=SMS&=null").GET()), 400);
    assertProblem(
        send(request("/v1/sendouts/" + java.util.UUID.randomUUID() + "/messages?limit=5&=").GET()),
        400);
  }

  @Test
  void aPathNothingAnswersIsA404ThatNamesNoInternals() {
    Reply reply = send(request("/v1/no-such-thing").GET());

    assertProblem(reply, 404);
    assertThat(reply.json().path("detail").asString())
        .isEqualTo("Nothing is served at /v1/no-such-thing");
    Reply doubled = send(request("//v1/sendouts").GET());
    assertProblem(doubled, 404);
    assertThat(doubled.json().path("detail").asString())
        .as("the path asked, not /v1/sendouts, which is served")
        .isEqualTo("Nothing is served at //v1/sendouts");
  }

  @Test
  void tomcatsOwnRefusalsAreProblemsToo() {
    assertProblem(send(request("/v1/sendouts/a%00b").GET()), 400);
    assertProblem(send(request("/v1/sendouts").header("X-Big", "x".repeat(10_000)).GET()), 400);
  }

  /** Kept within its segment (an address may hold one: /v1/suppressions/{address}). */
  @Test
  void anEncodedSlashIsPartOfItsSegmentNotASeparator() {
    assertProblem(send(request("/v1/sendouts/a%2Fb").GET()), 404);
    assertProblem(send(request("/v1%2Fsendouts").GET()), 404);
  }

  /** The runbook's {@code cursor=<nextCursor>} pasted as it is: a problem with no word why. */
  @Test
  void aCharacterTheQueryMustEncodeIsA400SayingSo() throws Exception {
    Reply reply =
        Reply.of(
            exchange(
                "GET /v1/sendouts?stuck=true&cursor=<nextCursor> HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n"));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().path("type").asString())
        .isEqualTo("urn:sendout:problem:invalid-request");
    assertThat(reply.json().path("detail").asString()).contains("must be percent-encoded");
  }

  @Test
  void anHttpVersionTomcatRefusesIsTheCallersProblemNotAnInternalError() throws Exception {
    Reply reply =
        Reply.of(
            exchange("GET /v1/sendouts HTTP/2.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().path("type").asString())
        .isEqualTo("urn:sendout:problem:invalid-request");
  }

  /**
   * A header too large, its body sent a moment after the head: the refused request's body was
   * drained as if it could be read, and Tomcat logged each one at ERROR with its stack trace, for
   * anyone without a key to repeat.
   */
  @Test
  void aHeaderTooLargeIsA400AndNoErrorOfOurs(CapturedOutput output) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/sendouts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 2\r\nX-Pad: "
                  + "x".repeat(20_000)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(50);
      try {
        out.write("{}".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (SocketException closedAlready) {
        // Tomcat may answer and close before the body comes (Broken pipe or Connection reset); its
        // answer was sent first and is read below.
      }
      Reply reply = reply(socket);
      assertThat(reply.status()).isEqualTo(400);
      assertThat(reply.json().path("detail").asString())
          .isEqualTo("The request's headers are too large");
    }
    assertThat(output.getOut())
        .doesNotContain("Error processing request")
        .doesNotContain("UnreadBodyValve");
  }

  /**
   * Tomcat answers CONNECT with 501, which was turned into a 400 saying the Transfer-Encoding was
   * wrong (a hostile sweep).
   */
  @Test
  void aMethodTomcatDoesNotImplementIsA405SayingSo(CapturedOutput output) throws Exception {
    RawHttp.Reply raw =
        exchange("CONNECT /v1/sendouts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    Reply reply = Reply.of(raw);

    assertProblem(reply, 405);
    assertThat(raw.header("Allow")).isEqualTo("GET, HEAD, POST, DELETE, OPTIONS");
    assertThat(reply.json().path("detail").asString()).isEqualTo("No path here takes this method");
    assertThat(output.getOut()).doesNotContain("Unexpected error");
  }

  /** Errors the container raises named the error page, /error, as their instance. */
  @Test
  void aProblemTheContainerRaisesNamesTheRequestsPath() {
    Reply reply =
        send(request("/v1/sendouts").method("TRACE", HttpRequest.BodyPublishers.noBody()));

    assertProblem(reply, 405);
    assertThat(reply.json().path("instance").asString()).isEqualTo("/v1/sendouts");
  }

  /**
   * What a caller sent that Tomcat cannot parse is no line of the log: Tomcat wrote the header line
   * whole at INFO, an API key with a stray control character in it, or an address in a path.
   */
  @Test
  void aHeaderTomcatCannotParseIsA400AndNotWrittenToTheLog(CapturedOutput output) throws Exception {
    String key = "sok_" + "k".repeat(40);
    Reply reply =
        Reply.of(
            exchange(
                "GET /v1/sendouts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + key
                    + "\u0001\r\nConnection: close\r\n\r\n"));
    assertThat(reply.status()).isEqualTo(400);
    // Says which part is wrong, and echoes none of it.
    assertThat(reply.json().path("detail").asString())
        .startsWith("A header line of the request is malformed")
        .doesNotContain(key);
    // Tomcat logs only the first such request of each connection handler at INFO: the level is
    // what keeps the next one out, whichever handler takes it.
    assertThat(LoggerFactory.getLogger("org.apache.coyote.http11.Http11Processor").isInfoEnabled())
        .isFalse();
    assertThat(output.getOut()).doesNotContain(key);
  }

  /** Spring Boot's welcome page logged a WARN for each such request, on any path. */
  @Test
  void anAcceptHeaderThatIsNoListOfMediaTypesIsNoWarningOfOurs(CapturedOutput output) {
    for (String path : List.of("/nothing-here", "/v1/nothing-here")) {
      assertThat(send(request(path).header("Accept", "garbage;;;").GET()).status())
          .isBetween(400, 499);
    }
    assertThat(output.getOut()).doesNotContain("invalid Accept");
  }

  /** Found by the third hostile sweep: a 5xx (501, typed internal) for the caller's request. */
  @Test
  void aTransferCodingTomcatDoesNotImplementIsA400AndNoErrorOfOurs(CapturedOutput output)
      throws Exception {
    Reply reply =
        Reply.of(
            exchange(
                ("POST /v1/sendouts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n"
                        + "Connection: close\r\n\r\n")
                    .formatted(apiKey())));

    assertProblem(reply, 400);
    assertThat(reply.json().path("detail").asString()).contains("Transfer-Encoding");
    assertThat(output.getOut()).doesNotContain("Unexpected error");
  }

  @Test
  void anUploadWhoseChunkedBodyBreaksOffIsA400AndNoErrorOfOurs(CapturedOutput output)
      throws Exception {
    String id = post("/v1/sendouts", "application/json", CREATE).json().path("id").asString();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      String line = "{\"email\":\"bob@example.com\"}\n";
      out.write(
          ("POST /v1/sendouts/%s/recipients HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Authorization: Bearer %s\r\nContent-Type: application/x-ndjson\r\n"
                  + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                  + "%x\r\n%s\r\nnot-a-chunk-size\r\n")
              .formatted(id, apiKey(), line.length(), line)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertProblem(reply(socket), 400);
    }
    assertThat(output.getOut()).doesNotContain("Invalid chunk header");
  }

  @Test
  void anIdThatIsNotAUuidIsA404ThatNamesNoKindOfThingItIsNot() {
    Reply sendout = send(request("/v1/sendouts/not-a-uuid").GET());

    assertProblem(sendout, 404);
    assertThat(sendout.json().path("detail").asString())
        .isEqualTo("Nothing has the id 'not-a-uuid': it is not a UUID");
    Reply longId = send(request("/v1/sendouts/" + "x".repeat(5000)).GET());
    assertProblem(longId, 404);
    assertThat(longId.json().path("detail").asString())
        .isEqualTo("Nothing has the id '" + "x".repeat(40) + "…': it is not a UUID");
    // UUID.fromString takes these too, and named the id it made of them.
    for (String loose : new String[] {"1-1-1-1-1", "000000001-0001-0001-0001-00000000001"}) {
      Reply reply = send(request("/v1/sendouts/" + loose).GET());
      assertProblem(reply, 404);
      assertThat(reply.json().path("detail").asString())
          .isEqualTo("Nothing has the id '" + loose + "': it is not a UUID");
    }
  }

  @Test
  void theErrorPageCalledAsAPathIsA404NotA500() {
    for (String method : new String[] {"GET", "POST", "DELETE"}) {
      Reply reply =
          send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/error"))
                  .method(method, HttpRequest.BodyPublishers.noBody()));

      assertProblem(reply, 404);
      assertThat(reply.json().path("detail").asString()).isEqualTo("Nothing is served at /error");
    }
  }

  /**
   * An answer the Accept header does not take (XML, another charset, JSON at q=0, no media type at
   * all) was found out by Spring only when writing it: the create had stored and started the
   * sendout, and a caller retrying its 406 created it again.
   */
  @Test
  void aCreateWhoseAnswerTheAcceptHeaderRefusesIsA406BeforeAnythingIsStored() {
    int before = db.fetchCount(SENDOUT);
    for (String accept :
        new String[] {
          "application/xml", "application/json; charset=ISO-8859-1", "application/json;q=0", "foo"
        }) {
      Reply reply =
          send(
              request("/v1/sendouts")
                  .header("Content-Type", "application/json")
                  .header("Accept", accept)
                  .POST(HttpRequest.BodyPublishers.ofString(CREATE)));

      assertProblem(reply, 406);
    }
    assertThat(db.fetchCount(SENDOUT)).isEqualTo(before);

    Reply utf8 =
        send(
            request("/v1/sendouts")
                .header("Content-Type", "application/json")
                .header("Accept", "text/html, application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(CREATE)));
    assertThat(utf8.status()).as(utf8.body()).isEqualTo(202);
  }

  /** Was "The body is not valid JSON", which sent its caller looking for a syntax error. */
  @Test
  void aRequestWithoutABodyIsA400SayingSo() throws Exception {
    Reply empty = post("/v1/sendouts", "application/json", "");
    assertProblem(empty, 400);
    assertThat(empty.json().path("detail").asString()).startsWith("The request has no body");
    Reply withoutLength =
        Reply.of(
            exchange(
                ("POST /v1/sendouts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer %s\r\nConnection: close\r\n\r\n")
                    .formatted(apiKey())));

    assertProblem(withoutLength, 400);
    assertThat(withoutLength.json().path("detail").asString())
        .startsWith("The request has no body");
  }

  @Test
  void aWildcardContentTypeOrAnEncodedBodyIsA415NotA500() {
    assertProblem(post("/v1/sendouts", "application/*", CREATE), 415);
    assertProblem(post("/v1/sendouts", "*/*", CREATE), 415);
    assertProblem(
        send(
            request("/v1/sendouts")
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString(CREATE))),
        415);
  }

  @Test
  void aNestedHealthPathIsA404NotA500(CapturedOutput output) throws Exception {
    String health = "http://127.0.0.1:" + port + "/actuator/health";
    assertThat(send(HttpRequest.newBuilder(URI.create(health + "/db")).GET()).status())
        .isEqualTo(200);

    Reply reply = send(HttpRequest.newBuilder(URI.create(health + "/foo/bar")).GET());

    assertThat(reply.status()).isEqualTo(404);
    // Written as it is, on a connection of the test's own: ".." must not pass the guard.
    assertThat(
            exchange(
                    "GET /actuator/health/x/../y HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .status())
        .isLessThan(500);
    assertThat(output.getOut()).doesNotContain("'contributor' must not be null");
  }

  /**
   * A caller that waits for 100 Continue before sending its body is told the refusal instead (RFC
   * 9110, 10.1.1): the refused body was drained, which had Tomcat invite the caller to send up to
   * 16 MB only to throw them away (a hostile sweep).
   */
  @Test
  void aRefusalOfARequestThatAwaitsContinueComesWithoutInvitingItsBody() throws Exception {
    for (String key : List.of(apiKey(), "sok_wrong")) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /v1/sendouts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer %s\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 9000000\r\n\r\n")
                .formatted(key)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        var in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));

        Reply reply = Reply.of(RawHttp.read(in));

        assertProblem(reply, key.equals("sok_wrong") ? 401 : 413);
        assertThat(in.read()).as("the connection is closed after the answer").isEqualTo(-1);
      }
    }
    // One that is taken is sent 100 Continue when its body is read, and then its answer.
    Reply taken =
        send(
            request("/v1/sendouts")
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CREATE)));
    assertThat(taken.status()).as(taken.body()).isEqualTo(202);
  }

  /**
   * A body trickled a byte a second held its request thread, and its place among the requests in
   * progress, for as long as the client liked: it is refused with 408 after the grace, and the
   * connection is closed rather than the rest of the body read at that pace.
   */
  @Test
  void aBodyTrickledAByteASecondIsA408AndItsConnectionIsClosed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/sendouts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Authorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n")
              .formatted(apiKey())
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread trickle =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 60; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(1000);
                  }
                } catch (IOException | InterruptedException closed) {
                  // the server closed the connection, or the test is over
                }
              });
      trickle.setDaemon(true);
      trickle.start();
      var in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      long start = System.nanoTime();
      RawHttp.Reply raw = RawHttp.read(in);

      assertProblem(Reply.of(raw), 408);
      assertThat(in.read()).as("the connection is closed after the answer").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      trickle.interrupt();
    }
  }

  /**
   * A refusal answered before its body came (a link nothing answers, an unsigned webhook) held its
   * request thread after the answer: Tomcat read the rest of the body, at the pace the caller sent
   * it, before the connection's next request. 210 such calls a byte a second held every thread. Now
   * the connection is closed once the answer is written; a body already come is still read, so that
   * a keep-alive caller's next request goes on on the same connection.
   */
  @Test
  void aRefusalBeforeItsBodyCameClosesTheConnectionInsteadOfWaitingForIt() throws Exception {
    for (String path : new String[] {"/u/no-such-token", "/webhooks/sendgrid/events"}) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4000\r\n\r\n[")
                .formatted(path)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        var in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        long start = System.nanoTime();
        RawHttp.Reply raw = RawHttp.read(in);

        assertThat(raw.status()).as(path).isBetween(400, 499);
        assertThat(in.read()).as(path + ": closed after the answer").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      }
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String refused =
          "POST /webhooks/sendgrid/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n[]";
      out.write((refused + refused).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      var in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));

      assertThat(RawHttp.read(in).status()).isEqualTo(401);
      assertThat(RawHttp.read(in).status())
          .as("a body that had come is read: the connection goes on")
          .isEqualTo(401);
    }
    // A webhook call of a provider's size, refused: its body, sent at once, is read; the caller's
    // next request goes on on the same connection (a closed one failed it: the answer was written
    // without Connection: close).
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String large = "[" + "{\"event\":\"open\"},".repeat(30_000) + "{}]";
      String refused =
          "POST /webhooks/sendgrid/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                  .formatted(large.length(), large);
      Thread writer =
          new Thread(
              () -> {
                try {
                  out.write((refused + refused).getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                } catch (IOException closedByTheServer) {
                  // the assertions below say what happened
                }
              });
      writer.setDaemon(true);
      writer.start();
      var in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));

      assertThat(RawHttp.read(in).status()).isEqualTo(401);
      assertThat(RawHttp.read(in).status()).as("the same connection, 480 KB later").isEqualTo(401);
    }
  }

  /** A webhook caller gone before the end of its body is its own 400, not an error of ours. */
  @Test
  void aWebhookBodyThatBreaksOffIsA400AndNoErrorOfOurs(CapturedOutput output) throws Exception {
    for (String path : new String[] {"/webhooks/sendgrid/events", "/webhooks/vonage/status"}) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Twilio-Email-Event-Webhook-Signature: AAAA\r\n"
                    + "X-Twilio-Email-Event-Webhook-Timestamp: 1\r\n"
                    + "Authorization: Bearer x\r\nContent-Length: 100\r\n\r\n[")
                .formatted(path)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.shutdownOutput();
        assertThat(reply(socket).status()).isLessThan(500);
      }
    }
    assertThat(output.getOut())
        .doesNotContain("Unexpected error")
        .doesNotContain("Servlet.service()")
        .doesNotContain("ClientAbortException");
  }

  @Test
  void aNumberOrABooleanWhereAStringBelongsIsA400NamingTheField() {
    Reply number = post("/v1/sendouts", "application/json", CREATE.replace("\"Hello\"", "1.5e300"));
    Reply bool =
        post(
            "/v1/sendouts",
            "application/json",
            CREATE.replace(
                "{\"email\":\"ann@example.com\"}",
                "{\"email\":\"ann@example.com\",\"variables\":{\"x\":true}}"));

    assertProblem(number, 400);
    assertThat(number.json().path("errors").get(0).path("pointer").asString())
        .isEqualTo("/subject");
    assertProblem(bool, 400);
    assertThat(bool.json().path("errors").get(0).path("pointer").asString())
        .isEqualTo("/recipients/0/variables/x");
  }

  /**
   * A body that is JSON but no object ({@code []}, a string, a number) was answered "The body is
   * not valid JSON", which sent its caller looking for a syntax error it did not make.
   */
  @Test
  void aBodyThatIsJsonButNoObjectIsA400SayingSo() {
    for (String body : new String[] {"[]", "[" + CREATE + "]", "\"x\"", "42", "true"}) {
      for (String path :
          new String[] {"/v1/sendouts", "/v1/sendouts/" + UUID.randomUUID() + "/recipients"}) {
        Reply reply = post(path, "application/json", body);
        assertProblem(reply, 400);
        assertThat(reply.json().path("type").asString())
            .as(body + " to " + path)
            .isEqualTo("urn:sendout:problem:invalid-request");
        assertThat(reply.json().path("detail").asString())
            .as(body + " to " + path)
            .startsWith("The body must be a JSON object");
      }
    }
    // Two values, the second after a complete object, are still not valid JSON, and say where.
    Reply twoObjects = post("/v1/sendouts", "application/json", CREATE + " {}");
    assertProblem(twoObjects, 400);
    assertThat(twoObjects.json().path("type").asString())
        .isEqualTo("urn:sendout:problem:malformed-json");
  }

  /**
   * Posts a chunked body over a raw socket, as a client that keeps sending whatever the server
   * answers: 64 KB chunks up to {@code bytes}, then the end of the body unless {@code stall}, in
   * which case the body is left unfinished. Returns the reply, however little of the body the
   * server read; a server that waits for the whole body before answering times out here.
   */
  private Reply chunked(String path, long bytes, boolean stall, String... headers)
      throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      StringBuilder head =
          new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
              .append("Transfer-Encoding: chunked\r\nContent-Type: text/csv\r\n");
      for (int i = 0; i < headers.length; i += 2) {
        head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      Thread writer =
          new Thread(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'a');
                byte[] size = "10000\r\n".getBytes(StandardCharsets.US_ASCII);
                byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
                try {
                  for (long sent = 0; sent < bytes; sent += chunk.length) {
                    out.write(size);
                    out.write(chunk);
                    out.write(crlf);
                  }
                  if (!stall) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  }
                  out.flush();
                } catch (IOException closedByTheServer) {
                  // The server answered and stopped reading: what a limit is for.
                }
              });
      writer.setDaemon(true);
      writer.start();
      Reply reply = reply(socket);
      writer.interrupt();
      return reply;
    }
  }

  private static final long TWENTY_MB = 20L * 1024 * 1024;

  @Test
  void anUnsignedWebhookIsRefusedWithoutWaitingForItsBody() throws Exception {
    // Half a megabyte, then nothing: a server that reads the body before the signature waits.
    assertProblem(chunked("/webhooks/sendgrid/events", 512 * 1024, true), 401);
    assertProblem(chunked("/webhooks/vonage/status", 512 * 1024, true), 401);
  }

  @Test
  void aHugeChunkedWebhookIsCutOffAtTheWebhookLimitWhateverItsContentType() throws Exception {
    String now = String.valueOf(System.currentTimeMillis() / 1000);
    Reply sendGrid =
        chunked(
            "/webhooks/sendgrid/events",
            TWENTY_MB,
            false,
            "X-Twilio-Email-Event-Webhook-Timestamp",
            now,
            "X-Twilio-Email-Event-Webhook-Signature",
            "bm90LWEtc2lnbmF0dXJl");
    // Signed with the secret: a forged token is refused before its body is read.
    String token =
        JWT.create()
            .withIssuedAt(Instant.now())
            .withClaim("payload_hash", "of another body")
            .sign(Algorithm.HMAC256("test-secret"));
    Reply vonage =
        chunked("/webhooks/vonage/status", TWENTY_MB, false, "Authorization", "Bearer " + token);

    assertProblem(sendGrid, 413);
    assertThat(sendGrid.json().path("detail").asString())
        .isEqualTo("The request body exceeds 4194304 bytes");
    assertProblem(vonage, 413);
  }
}
