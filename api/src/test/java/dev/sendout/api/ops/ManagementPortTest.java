package dev.sendout.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiApplication;
import dev.sendout.api.ApiServerEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API's port is the one providers' webhooks and unsubscribe links reach, from the internet;
 * {@code MANAGEMENT_SERVER_PORT} (docs/operations.md) moves {@code /actuator} off it, to a port
 * that only the apps' own network reaches.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      ApiApplication.CONFIG_NAME,
      "spring.temporal.test-server.enabled=true",
      "sendout.webhooks.vonage.signature-secret=test-secret",
      "management.server.port=0"
    })
class ManagementPortTest {

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    ApiServerEnvironment.register(registry);
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theActuatorIsServedOnItsOwnPortAndNotOnTheApis() throws Exception {
    assertThat(managementPort).isNotEqualTo(port);
    for (String path : new String[] {"/actuator/health", "/actuator/prometheus"}) {
      assertThat(get(managementPort, path).statusCode()).as(path).isEqualTo(200);
      HttpResponse<String> onTheApi = get(port, path);
      assertThat(onTheApi.statusCode()).as(path).isEqualTo(404);
      assertThat(onTheApi.body()).as(path).doesNotContain("sendout_", "\"components\"");
    }
    assertThat(get(managementPort, "/actuator/prometheus").body()).contains("http_server_requests");
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
