package dev.sendout.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What the SendGrid and Vonage integration tests share: plain HTTP to the sandbox's inspection and
 * settings endpoints, JSON parsing, and waiting for asynchronous webhooks. Each provider's base
 * class adds the {@code @SpringBootTest} configuration and its SDK.
 */
public abstract class SandboxHttpTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort protected int port;

  @Autowired protected ObjectMapper objectMapper;

  protected JsonNode json(String body) {
    return objectMapper.readTree(body);
  }

  protected HttpResponse<String> get(String path) throws Exception {
    return send(request(path).GET());
  }

  protected HttpResponse<String> delete(String path) throws Exception {
    return send(request(path).DELETE());
  }

  protected HttpResponse<String> put(String path, String json) throws Exception {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(BodyPublishers.ofString(json)));
  }

  /** Posts a raw JSON body with this Authorization header, for requests an SDK would not build. */
  protected HttpResponse<String> post(String path, String authorization, String json)
      throws Exception {
    return send(
        request(path)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json)));
  }

  protected static void await(BooleanSupplier condition) throws InterruptedException {
    await(5, condition);
  }

  protected static void await(int seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime())
          .as("condition not met within %d s", seconds)
          .isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
  }
}
