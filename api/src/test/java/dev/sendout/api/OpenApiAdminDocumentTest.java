package dev.sendout.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Where an admin token opens the admin API, the OpenAPI document describes it, behind the token.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      ApiApplication.CONFIG_NAME,
      "spring.temporal.test-server.enabled=true",
      "sendout.webhooks.vonage.signature-secret=test-secret",
      "sendout.admin.token=openapi-admin-test"
    })
class OpenApiAdminDocumentTest {

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    ApiServerEnvironment.register(registry);
  }

  @LocalServerPort int port;

  @Test
  void theAdminApiIsDescribedBehindTheAdminTokenWhenItIsOn() throws Exception {
    JsonNode document = OpenApiDocumentTest.fetch(port);

    JsonNode scheme = document.path("components").path("securitySchemes").path("adminToken");
    assertThat(scheme.path("type").asString()).isEqualTo("http");
    assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");
    assertThat(OpenApiDocumentTest.operations(document))
        .containsKeys("POST /admin/api-keys", "GET /admin/api-keys", "DELETE /admin/api-keys/{id}")
        .allSatisfy(
            (name, operation) -> {
              if (name.contains(" /admin/")) {
                assertThat(operation.path("security").get(0).has("adminToken")).as(name).isTrue();
              }
            });
    assertThat(document.path("components").path("schemas").has("IssueRequest")).isTrue();
    // Found by the fourth hostile sweep: the 401 every admin call answers without the token.
    OpenApiDocumentTest.operations(document)
        .forEach(
            (name, operation) -> {
              if (name.contains(" /admin/")) {
                assertThat(operation.path("responses").propertyNames())
                    .as(name)
                    .contains("400", "401");
              }
            });
  }

  /** The admin API took "Bearer" only so written, where /v1 takes the scheme in any case. */
  @Test
  void theAdminTokenIsTakenWithItsSchemeInAnyCaseAndNothingElse() throws Exception {
    assertThat(adminKeys("Bearer openapi-admin-test")).isEqualTo(200);
    assertThat(adminKeys("bearer openapi-admin-test")).isEqualTo(200);
    assertThat(adminKeys("Bearer openapi-admin-tes")).isEqualTo(401);
    assertThat(adminKeys("Basic openapi-admin-test")).isEqualTo(401);
    assertThat(adminKeys("openapi-admin-test")).isEqualTo(401);
    assertThat(adminKeys()).isEqualTo(401);
    assertThat(adminKeys("Bearer wrong", "Bearer openapi-admin-test")).isEqualTo(400);
  }

  private int adminKeys(String... authorizations) throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/admin/api-keys?tenantId=t"));
    for (String authorization : authorizations) {
      request.header("Authorization", authorization);
    }
    return java.net.http.HttpClient.newHttpClient()
        .send(request.GET().build(), java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
