package dev.sendout.sandbox.vonage;

import static org.assertj.core.api.Assertions.assertThat;

import com.vonage.client.HttpConfig;
import com.vonage.client.VonageClient;
import com.vonage.client.messages.MessagesClient;
import com.vonage.client.messages.sms.SmsTextRequest;
import dev.sendout.sandbox.SandboxHttpTest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Starts the sandbox on a random port, configured like a Vonage account with one application, and
 * talks to it with the real Vonage SDK, the way the worker does in production. The Spring context
 * is shared by all subclasses, so each test starts by wiping records, counters, the rate limit
 * window, faults and status webhook settings.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=sandbox",
      "sandbox.vonage.application-id=" + VonageIntegrationTest.APPLICATION_ID,
      "sandbox.vonage.statuses.signature-secret=" + VonageIntegrationTest.SIGNATURE_SECRET,
      // The SDK logs every error answer it turns into an exception, with a stack trace.
      "logging.level.com.vonage=error"
    })
abstract class VonageIntegrationTest extends SandboxHttpTest {

  static final String APPLICATION_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  static final String SIGNATURE_SECRET = "sandbox-signature-secret-for-tests";
  static final String API_KEY = "sandbox-key";
  static final String API_SECRET = "sandbox-secret";
  static final String RECIPIENT = "447700900123";
  static final String SENDER = "Surveys";

  /** The application's key pair; the sandbox knows only the public half, as Vonage does. */
  static final KeyPair APPLICATION_KEYS = rsaKeyPair();

  @DynamicPropertySource
  static void applicationPublicKey(DynamicPropertyRegistry registry) {
    registry.add(
        "sandbox.vonage.application-public-key",
        () -> Base64.getEncoder().encodeToString(APPLICATION_KEYS.getPublic().getEncoded()));
  }

  @BeforeEach
  void resetSandbox() throws Exception {
    assertThat(delete("/sandbox/vonage/messages").statusCode()).isEqualTo(204);
    assertThat(
            put(
                    "/sandbox/vonage/faults",
                    "{\"latencyMs\":0,\"serverErrorRate\":0,\"rejectCredentials\":false}")
                .statusCode())
        .isEqualTo(200);
    assertThat(put("/sandbox/vonage/statuses", "{\"webhookUrl\":\"\"}").statusCode())
        .isEqualTo(200);
  }

  /** The SDK as the engine configures it: JWT auth with the application's private key. */
  MessagesClient jwtClient() {
    return jwtClient(APPLICATION_ID, APPLICATION_KEYS);
  }

  MessagesClient jwtClient(String applicationId, KeyPair keys) {
    return client(
        VonageClient.builder().applicationId(applicationId).privateKeyContents(pem(keys)));
  }

  MessagesClient basicClient(String apiKey, String apiSecret) {
    return client(VonageClient.builder().apiKey(apiKey).apiSecret(apiSecret));
  }

  MessagesClient client(VonageClient.Builder builder) {
    return client(builder, 5_000);
  }

  /** {@code baseUri} points every API family, the Messages API's included, at the sandbox. */
  MessagesClient client(VonageClient.Builder builder, int timeoutMillis) {
    HttpConfig http =
        HttpConfig.builder()
            .baseUri("http://127.0.0.1:" + port)
            .timeoutMillis(timeoutMillis)
            .build();
    return builder.httpConfig(http).build().getMessagesClient();
  }

  static SmsTextRequest sms(String to, String clientRef) {
    return SmsTextRequest.builder()
        .from(SENDER)
        .to(to)
        .text("Hi Ann, tell us how we did: https://s.example/x")
        .clientRef(clientRef)
        .build();
  }

  JsonNode stats() throws Exception {
    HttpResponse<String> response = get("/sandbox/vonage/stats");
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response.body());
  }

  JsonNode message(String messageUuid) throws Exception {
    HttpResponse<String> response = get("/sandbox/vonage/messages/" + messageUuid);
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response.body());
  }

  /** Posts a raw body with Basic auth, for requests the SDK would refuse to build. */
  HttpResponse<String> postRaw(String body) throws Exception {
    String credentials =
        Base64.getEncoder().encodeToString((API_KEY + ":" + API_SECRET).getBytes());
    return post("/v1/messages", "Basic " + credentials, body);
  }

  /** PKCS#8 PEM, the format of the private key file Vonage hands out for an application. */
  static String pem(KeyPair keys) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
