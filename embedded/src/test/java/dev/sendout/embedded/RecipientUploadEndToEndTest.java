package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recipients uploaded as NDJSON or CSV, streamed into a sendout: a large upload is stored whole; a
 * bad line, an address repeated in another chunk among them, rejects the upload, names its line and
 * stores nothing; a repeated upload with the same Idempotency-Key adds nothing.
 */
class RecipientUploadEndToEndTest {

  private static EmbeddedEngine engine;
  private static EngineClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startEngine() throws Exception {
    engine = EmbeddedEngine.start(EmbeddedEngine.Settings.ephemeral());
    client = new EngineClient(engine);
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  /** A sendout due in an hour, so that nothing is sent while the test looks. */
  private static String scheduledSendout() {
    var body =
        EngineClient.emailSendout(1).put("sendAt", Instant.now().plusSeconds(3600).toString());
    var created = client.createSendout(body.toString(), null);
    assertThat(created.status()).isEqualTo(202);
    return created.body().path("id").asText();
  }

  private HttpResponse<String> upload(String id, String type, String body, String key)
      throws Exception {
    var request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + engine.apiPort() + "/v1/sendouts/" + id + "/recipients"))
            .header("Authorization", "Bearer " + engine.devApiKey())
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String ndjsonLine(int i) {
    return "{\"email\":\"up%d@example.com\",\"variables\":{\"firstName\":\"U%d\",\"surveyUrl\":\"https://s.example.com/%d\"}}"
        .formatted(i, i, i);
  }

  @Test
  void aLargeNdjsonUploadIsStoredWholeAndARepeatedOneAddsNothing() throws Exception {
    String id = scheduledSendout();
    String body =
        IntStream.range(0, 20_000)
            .mapToObj(RecipientUploadEndToEndTest::ndjsonLine)
            .collect(Collectors.joining("\n", "", "\n"));

    var first = upload(id, "application/x-ndjson", body, "upload-1");
    var again = upload(id, "application/x-ndjson", body, "upload-1");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    JsonNode added = EngineClient.JSON.readTree(first.body());
    assertThat(added.path("added").asInt()).isEqualTo(20_000);
    assertThat(added.path("fromSeq").asInt()).isEqualTo(1);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    JsonNode sendout = client.get("/v1/sendouts/" + id).body();
    assertThat(sendout.path("recipientCount").asInt()).isEqualTo(20_001);
    assertThat(sendout.path("messages").path("QUEUED").asInt()).isEqualTo(20_001);
  }

  @Test
  void aCsvUploadWithABadLineIsRejectedNamingTheLineAndStoresNothing() throws Exception {
    String id = scheduledSendout();
    String csv =
        """
        email,name,firstName,surveyUrl
        ann@example.com,Ann,Ann,https://s.example.com/a
        not-an-address,Bob,Bob,https://s.example.com/b
        "cy@example.com","Cy, Jr.",Cy,https://s.example.com/c
        """;

    var rejected = upload(id, "text/csv", csv, null);

    assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(400);
    assertThat(rejected.body()).contains("#line=3");
    assertThat(client.get("/v1/sendouts/" + id).body().path("recipientCount").asInt()).isOne();

    var accepted = upload(id, "text/csv", csv.replace("not-an-address", "bob@example.com"), null);

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(EngineClient.JSON.readTree(accepted.body()).path("added").asInt()).isEqualTo(3);
    assertThat(
            client.queryRow(
                "select display_name from message where sendout_id = '" + id + "' and seq = 3"))
        .containsExactly("Cy, Jr.");
  }

  @Test
  void anAddressRepeatedAcrossTheChunksOfAnUploadIsThatLinesProblemAndStoresNothing()
      throws Exception {
    String id = scheduledSendout();
    var before = upload(id, "application/x-ndjson", ndjsonLine(1_050), null);
    assertThat(before.statusCode()).as(before.body()).isEqualTo(202);
    // Checked and stored a chunk of 1,000 lines at a time: line 1,101 repeats line 4, of the first
    // chunk. Line 1,051 has the address the sendout had before the upload, which is no repeat.
    String body =
        IntStream.range(0, 1_200)
            .mapToObj(i -> i == 1_100 ? ndjsonLine(3).replace("up3@", "UP3@") : ndjsonLine(i))
            .collect(Collectors.joining("\n"));

    var rejected = upload(id, "application/x-ndjson", body, null);

    assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(400);
    JsonNode problem = EngineClient.JSON.readTree(rejected.body()).path("errors").get(0);
    assertThat(problem.path("pointer").asText()).isEqualTo("#line=1101/email");
    assertThat(problem.path("detail").asText()).isEqualTo("duplicate of #recipient=4/email");
    assertThat(client.get("/v1/sendouts/" + id).body().path("recipientCount").asInt()).isEqualTo(2);
  }

  @Test
  void anNdjsonLinePastAMegabyteIsRefusedAsThatLineAndStoresNothing() throws Exception {
    String id = scheduledSendout();
    String line = "{\"email\":\"a@example.com\",\"name\":\"" + "n".repeat(2 << 20) + "\"}";

    var rejected =
        upload(id, "application/x-ndjson", "{\"email\":\"b@example.com\"}\r\n" + line, null);

    assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(400);
    JsonNode problem = EngineClient.JSON.readTree(rejected.body()).path("errors").get(0);
    assertThat(problem.path("pointer").asText()).isEqualTo("#line=2");
    assertThat(problem.path("detail").asText()).isEqualTo("is longer than 1048576 characters");
    assertThat(client.get("/v1/sendouts/" + id).body().path("recipientCount").asInt()).isOne();
  }
}
