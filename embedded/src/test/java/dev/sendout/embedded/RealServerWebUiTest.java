package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The promise to support staff, checked in a real browser: a sendout whose release keeps failing
 * shows in the Temporal Web UI, found by {@code Stuck=true}, and its own page shows its id, the
 * {@code Stuck} and {@code StuckReason} attributes, its summary and the details line saying why it
 * is stuck. Needs the UI's URL ({@code -Dsendout.realTemporalUi=http://127.0.0.1:8233}) besides the
 * server; screenshots and the rendered DOM go to {@code target/screenshots/}.
 */
@ExtendWith(RealServer.class)
class RealServerWebUiTest {

  private static final Duration GRACE = Duration.ofSeconds(3);
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private static EmbeddedEngine engine;
  private static EngineClient client;

  @BeforeAll
  static void startEngine() throws Exception {
    if (RealServer.uiUrl() == null) {
      throw new AssertionError(
          "The real-server tier needs the Web UI's URL too: -D"
              + RealServer.UI_PROPERTY
              + "=http://127.0.0.1:8233 (or SENDOUT_REAL_TEMPORAL_UI)");
    }
    if (!Files.isExecutable(HeadlessChromium.binary())) {
      throw new AssertionError(
          "No browser at "
              + HeadlessChromium.binary()
              + ": apt-get install chromium (or -Dsendout.chromium=<path>)");
    }
    engine =
        RealServer.start(
            RealServer.settings()
                .withWorkerArgument("--sendout.workflow.release-grace=" + GRACE)
                .withWorkerArgument("--sendout.watchdog.period=PT2S")
                .withApiArgument("--sendout.workflow.release-grace=" + GRACE));
    client = new EngineClient(engine);
    client.resetSandbox();
  }

  @AfterAll
  static void stopEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void aStuckSendoutShowsInTheWebUiWithWhyItIsStuck() throws Exception {
    var body = EngineClient.emailSendout(3).put("sendAt", Instant.now().plusSeconds(2).toString());
    var reply = client.createSendout(body.toString(), null);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    String id = reply.body().path("id").asText();
    String workflowId = "sendout-" + id;
    client.sql(RealServerWatchdogTest.failRelease("fail_release_ui", id));
    try {
      EngineClient.await(
          () ->
              client
                  .temporal()
                  .listExecutions("WorkflowId='" + workflowId + "' AND Stuck=true")
                  .findAny()
                  .isPresent(),
          Duration.ofSeconds(60),
          workflowId + " listed with Stuck=true");
      String ui = RealServer.uiUrl().replaceAll("/+$", "");
      try (var browser = new HeadlessChromium(1600, 1000)) {
        String listUrl =
            ui
                + "/namespaces/default/workflows?query="
                + URLEncoder.encode("Stuck=true", StandardCharsets.UTF_8);
        String list = browser.open(listUrl, t -> t.contains(workflowId), Duration.ofSeconds(60));
        browser.screenshot(SCREENSHOTS.resolve("stuck-list.png"));
        Files.writeString(SCREENSHOTS.resolve("stuck-list.txt"), list);
        Files.writeString(SCREENSHOTS.resolve("stuck-list.html"), browser.dom());
        assertThat(list).contains(workflowId).contains("SendoutWorkflow");

        String page =
            browser.open(
                ui + "/namespaces/default/workflows/" + workflowId,
                t -> t.contains(workflowId) && t.contains("User Metadata"),
                Duration.ofSeconds(60));
        assertThat(page).contains(workflowId).contains("SendoutWorkflow").contains("Running");
        // UI 2.42 keeps the summary and details under the "User Metadata" tab of the page.
        String metadata;
        try {
          metadata =
              browser.click(
                  "User Metadata", t -> t.contains("STUCK (NOT_RELEASED)"), Duration.ofSeconds(30));
        } finally {
          // Taken either way: what the page showed is what a failure needs explained.
          browser.screenshot(SCREENSHOTS.resolve("stuck-sendout-metadata.png"));
          Files.writeString(SCREENSHOTS.resolve("stuck-sendout-metadata.html"), browser.dom());
        }
        Files.writeString(SCREENSHOTS.resolve("stuck-sendout-metadata.txt"), metadata);
        System.out.println("The stuck sendout's User Metadata, as rendered:\n" + metadata);
        assertThat(metadata)
            .contains(workflowId)
            // The summary set at start.
            .contains("Email sendout " + id)
            // The current details, first thing why it is stuck.
            .contains("STUCK (NOT_RELEASED)")
            .contains("the release is overdue");

        String attributes =
            browser.click(
                "Search Attributes",
                t -> t.contains("StuckReason") && t.contains("NOT_RELEASED"),
                Duration.ofSeconds(30));
        browser.screenshot(SCREENSHOTS.resolve("stuck-sendout-attributes.png"));
        Files.writeString(SCREENSHOTS.resolve("stuck-sendout-attributes.txt"), attributes);
        System.out.println("The stuck sendout's Search Attributes, as rendered:\n" + attributes);
        assertThat(attributes)
            .contains(workflowId)
            .contains("Stuck")
            .contains("StuckReason")
            .contains("NOT_RELEASED")
            .contains(id);
      }
    } finally {
      client.sql("drop trigger fail_release_ui on message");
    }
    client.awaitCompleted(id, Duration.ofSeconds(90));
  }
}
