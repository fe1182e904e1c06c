package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop of the embedded engine in the middle of an SMS sendout (Ctrl-C, SIGTERM): the worker's
 * calls end first, while the api still takes the statuses of what they sent, and the sandbox posts
 * what it holds before it stops. The database outlives the engine here, so that what the stop left
 * can be read: every SMS the sandbox took has its status stored, none is left ACCEPTED with its
 * status lost (the api stopped first, a restart resumed the sendout but left the messages of its
 * last seconds ACCEPTED for good, then flagged RECEIPT_LATE).
 */
class EngineStopEndToEndTest {

  @TempDir Path data;

  @Test
  void aStopMidSendLeavesNoSentMessageWithoutItsStatus() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedEngine.postgresBuilder(data).start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      EmbeddedEngine engine =
          EmbeddedEngine.start(
              new EmbeddedEngine.Settings(
                  0, 0, 0, 0, url, null, null, null, List.of(), List.of(), null, null));
      Map<String, Integer> statuses;
      try {
        EngineClient client = new EngineClient(engine);
        client.vonageStatuses("{\"silenceRate\":0,\"submittedRate\":1,\"delayMs\":300}");
        var created = client.createSendout(EngineClient.smsSendout(300).toString(), null);
        assertThat(created.status()).isEqualTo(202);
        String id = created.body().path("id").asText();
        // Stopped once some are sent, well before all 300 are (Vonage's pace: 30 a second).
        client.awaitTakenByProvider(id, 20, Duration.ofSeconds(60));
      } finally {
        engine.close();
      }
      statuses = statuses(postgres);
      System.out.println("After the stop: " + statuses);
      // Before the stop was reordered: {DELIVERED=19, ACCEPTED=34, RELEASED=247}.
      assertThat(statuses).doesNotContainKeys("ACCEPTED", "UNCONFIRMED");
      assertThat(statuses.getOrDefault("DELIVERED", 0)).isBetween(20, 299);
    }
  }

  private static Map<String, Integer> statuses(EmbeddedPostgres postgres) throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection db = postgres.getPostgresDatabase().getConnection();
        ResultSet rows =
            db.createStatement()
                .executeQuery("select status, count(*) from message group by status")) {
      while (rows.next()) {
        counts.put(rows.getString(1), rows.getInt(2));
      }
    }
    return counts;
  }
}
