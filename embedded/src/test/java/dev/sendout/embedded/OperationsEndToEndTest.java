package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.embedded.EngineClient.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What ops read from the api and the worker: health with its parts, and Prometheus metrics. */
class OperationsEndToEndTest {

  private static EmbeddedEngine engine;
  private static EngineClient client;

  @BeforeAll
  static void connect() {
    engine = SharedEngine.get();
    client = new EngineClient(engine);
  }

  @Test
  void healthShowsTheDatabaseAndTemporal() {
    Reply health = client.get("/actuator/health");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("status").asText()).isEqualTo("UP");
    assertThat(health.body().path("components").path("db").path("status").asText()).isEqualTo("UP");
    assertThat(health.body().path("components").path("temporal").path("status").asText())
        .isEqualTo("UP");
  }

  @Test
  void apiMetricsShowReceiptsAndRefusedWebhooks() {
    client.postVonageStatus("{}", (String) null);

    Reply metrics = client.get("/actuator/prometheus");

    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.raw().body())
        .contains("sendout_receipts_total{outcome=\"received\",provider=\"vonage\"}")
        .contains("sendout_webhooks_rejected_total{provider=\"vonage\",reason=\"unsigned\"}");
  }

  @Test
  void workerHealthAndMetricsShowTemporal() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String worker = "http://127.0.0.1:" + engine.workerPort();

    var health =
        http.send(
            HttpRequest.newBuilder(URI.create(worker + "/actuator/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    var metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(worker + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(EngineClient.JSON.readTree(health.body()).path("components").path("temporal"))
        .hasToString("{\"status\":\"UP\"}");
    assertThat(metrics.body()).contains("temporal_request_latency_seconds");
  }
}
