package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API keys and tenants from the outside: no key, a wrong key or a revoked key is a 401 on every
 * {@code /v1} endpoint; a tenant cannot see or touch another's sendout through any of them (404, as
 * for an unknown id); input that looks like SQL or script is stored and returned verbatim.
 */
class TenantsEndToEndTest {

  private static final String ADMIN_TOKEN = "admin-" + UUID.randomUUID();

  private static EmbeddedEngine engine;
  private static EngineClient tenantA;
  private static EngineClient tenantB;
  private static EngineClient anonymous;
  private static String sendoutOfA;

  @BeforeAll
  static void startEngine() throws Exception {
    engine =
        EmbeddedEngine.start(
            EmbeddedEngine.Settings.ephemeral()
                .withApiArgument("--sendout.admin.token=" + ADMIN_TOKEN)
                // A pass would close the finding a test writes by hand, as one it no longer sees.
                .withWorkerArgument("--sendout.watchdog.enabled=false"));
    tenantA = new EngineClient(engine);
    tenantB = new EngineClient(engine, engine.issueApiKey("tenant-b"));
    anonymous = new EngineClient(engine, null);
    var created = tenantA.createSendout(EngineClient.emailSendout(2).toString(), null);
    assertThat(created.status()).isEqualTo(202);
    sendoutOfA = created.body().path("id").asText();
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  /** Every {@code /v1} endpoint, as method and path, on tenant A's sendout. */
  private static List<String[]> endpoints() {
    String s = "/v1/sendouts/" + sendoutOfA;
    return List.of(
        new String[] {"POST", "/v1/sendouts"},
        new String[] {"GET", "/v1/sendouts?stuck=true"},
        new String[] {"GET", s},
        new String[] {"GET", s + "/messages"},
        new String[] {"GET", s + "/audit"},
        new String[] {"POST", s + "/recipients"},
        new String[] {"POST", s + "/pause"},
        new String[] {"POST", s + "/resume"},
        new String[] {"POST", s + "/cancel"},
        new String[] {"POST", s + "/resend"},
        new String[] {"POST", s + "/acknowledge"});
  }

  /** One valid recipient, for the create and add-recipients calls. */
  private static final String RECIPIENTS =
      """
      "recipients": [{"email": "x@example.com",
       "variables": {"firstName": "X", "surveyUrl": "https://s.example.com/x"}}]""";

  /** Each endpoint with a body it accepts, so that only the key or the tenant can refuse it. */
  private static EngineClient.Reply call(EngineClient client, String[] endpoint) {
    String path = endpoint[1];
    if ("GET".equals(endpoint[0])) {
      return client.get(path);
    }
    String body =
        path.endsWith("/recipients")
            ? "{" + RECIPIENTS + "}"
            : path.equals("/v1/sendouts")
                ? EngineClient.emailSendout(1).toString()
                : "{\"by\": \"x\", \"note\": \"x\"}";
    return client.post(path, body, null);
  }

  @Test
  void everyEndpointWithoutAKeyOrWithAWrongOneIs401() {
    EngineClient wrongKey = new EngineClient(engine, "sok_not-a-key");
    for (String[] endpoint : endpoints()) {
      var missing = call(anonymous, endpoint);
      assertThat(missing.status()).as("%s %s", endpoint[0], endpoint[1]).isEqualTo(401);
      assertThat(missing.body().path("type").asText())
          .isEqualTo("urn:sendout:problem:api-key-missing");
      assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
      var wrong = call(wrongKey, endpoint);
      assertThat(wrong.status()).as("%s %s", endpoint[0], endpoint[1]).isEqualTo(401);
      assertThat(wrong.body().path("type").asText())
          .isEqualTo("urn:sendout:problem:api-key-invalid");
    }
  }

  @Test
  void anotherTenantsSendoutIsUnknownThroughEveryEndpoint() throws Exception {
    tenantA.sql(
        ("insert into finding (sendout_id, tenant_id, channel, reason, detail, since,"
                + " first_seen_at, last_seen_at) values ('%s', 'dev', 'EMAIL', 'NO_RECEIPT',"
                + " 'test', now(), now(), now())")
            .formatted(sendoutOfA));
    for (String[] endpoint : endpoints().subList(2, endpoints().size())) {
      assertThat(call(tenantB, endpoint).status())
          .as("%s %s as tenant B", endpoint[0], endpoint[1])
          .isEqualTo(404);
    }
    assertThat(tenantB.get("/v1/sendouts?stuck=true").body().toString()).doesNotContain(sendoutOfA);
    assertThat(tenantA.get("/v1/sendouts?stuck=true").body().toString()).contains(sendoutOfA);
    assertThat(tenantA.get("/v1/sendouts/" + sendoutOfA).status()).isEqualTo(200);
    assertThat(tenantA.get("/v1/sendouts/" + sendoutOfA + "/messages").body().path("items"))
        .hasSize(2);
  }

  @Test
  void aRevokedKeyIsRefusedAndTheAdminApiNeedsItsToken() {
    EngineClient admin = new EngineClient(engine, null);
    String issue = "{\"tenantId\":\"tenant-c\",\"name\":\"ci\"}";
    assertThat(admin.postAs("/admin/api-keys", issue, null).status()).isEqualTo(401);
    var wrongToken = admin.postAs("/admin/api-keys", issue, "wrong");
    assertThat(wrongToken.status()).isEqualTo(401);
    assertThat(wrongToken.body().path("type").asText())
        .isEqualTo("urn:sendout:problem:admin-token-invalid");
    assertThat(wrongToken.header("WWW-Authenticate")).startsWith("Bearer");

    var issued = admin.postAs("/admin/api-keys", issue, ADMIN_TOKEN);
    assertThat(issued.status()).isEqualTo(201);
    EngineClient tenantC = new EngineClient(engine, issued.body().path("key").asText());
    assertThat(tenantC.get("/v1/sendouts?stuck=true").status()).isEqualTo(200);

    String keyId = issued.body().path("info").path("id").asText();
    assertThat(admin.deleteAs("/admin/api-keys/" + keyId, ADMIN_TOKEN).status()).isEqualTo(204);

    var refused = tenantC.get("/v1/sendouts?stuck=true");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body().path("type").asText())
        .isEqualTo("urn:sendout:problem:api-key-invalid");

    // A key's name is one line: it goes into suppression sources and the audit trail.
    var twoLines =
        admin.postAs(
            "/admin/api-keys", "{\"tenantId\":\"tenant-c\",\"name\":\"a\\nb\"}", ADMIN_TOKEN);
    assertThat(twoLines.status()).isEqualTo(400);
    assertThat(
            admin
                .deleteAs("/admin/api-keys/not-a-uuid", ADMIN_TOKEN)
                .body()
                .path("detail")
                .asText())
        .isEqualTo("Nothing has the id 'not-a-uuid': it is not a UUID");
  }

  @Test
  void sqlAndScriptLookingInputIsStoredAndReturnedVerbatim() throws Exception {
    String sql = "Robert'); DROP TABLE message;--";
    String script = "<script>alert('x')</script>";
    var body =
        EngineClient.emailSendout(1)
            .put("sendAt", java.time.Instant.now().plusSeconds(600).toString());
    ((ObjectNode) body.path("recipients").get(0))
        .put("name", sql)
        .putObject("variables")
        .put("firstName", script)
        .put("surveyUrl", "https://s.example.com/?q=' OR '1'='1");

    var created = tenantA.createSendout(body.toString(), null);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(202);
    String id = created.body().path("id").asText();
    var paused = tenantA.action(id, "pause", sql, script);

    assertThat(paused.status()).as(paused.raw().body()).isEqualTo(200);
    JsonNode entry = tenantA.get("/v1/sendouts/" + id + "/audit").body().path("items").get(0);
    assertThat(entry.path("actor").asText()).isEqualTo(sql);
    assertThat(entry.path("note").asText()).isEqualTo(script);
    assertThat(
            tenantA.queryRow(
                "select display_name, variables->>'firstName', variables->>'surveyUrl'"
                    + " from message where sendout_id = '"
                    + id
                    + "'::uuid"))
        .containsExactly(sql, script, "https://s.example.com/?q=' OR '1'='1");
  }

  @Test
  void deeplyNestedJsonIsRefusedAsABadRequest() {
    String nested = "[".repeat(5000) + "]".repeat(5000);
    var reply =
        tenantA.createSendout("{\"channel\":\"EMAIL\",\"recipients\":" + nested + "}", null);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).contains("application/problem+json");
  }
}
