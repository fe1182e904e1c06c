package dev.sendout.api.problem;

import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiApplication;
import dev.sendout.core.TestDatabase;
import dev.sendout.core.tenant.ApiKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
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
class MalformedRequestsTest {

  private static final String TENANT = "tenant-malformed";

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", TestDatabase::url);
    registry.add("sendout.webhooks.sendgrid.public-key", MalformedRequestsTest::anyEcPublicKey);
  }

  @LocalServerPort int port;
  @Autowired ApiKeys apiKeys;
  @Autowired DSLContext db;

  private final HttpClient http = HttpClient.newHttpClient();
  private String apiKey;

  record Reply(int status, String contentType, String body) {
    JsonNode json() {
      return JsonMapper.builder().build().readTree(body);
    }
  }

  private HttpRequest.Builder request(String path) {
    if (apiKey == null) {
      apiKey = apiKeys.issue(TENANT, "malformed-requests-test").key();
    }
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + apiKey);
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

  @Test
  void tomcatsOwnRefusalsAreProblemsToo() {
    assertProblem(send(request("/v1/sendouts/a%2Fb").GET()), 400);
    assertProblem(send(request("/v1/sendouts").header("X-Big", "x".repeat(10_000)).GET()), 400);
  }

  @Test
  void aCreateAskingForXmlIsRefusedWith406BeforeAnythingIsStored() {
    int before = db.fetchCount(SENDOUT);
    Reply reply =
        send(
            request("/v1/sendouts")
                .header("Content-Type", "application/json")
                .header("Accept", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(CREATE)));

    assertProblem(reply, 406);
    assertThat(db.fetchCount(SENDOUT)).isEqualTo(before);
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

  private static String anyEcPublicKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return Base64.getEncoder()
          .encodeToString(generator.generateKeyPair().getPublic().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
