package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real Temporal server: the embedded engine stopped (SIGTERM, Ctrl-C) in the middle of an SMS
 * sendout and started again on the same database, as the embedded default is on its state
 * directory. The sendout completes with every message DELIVERED and tried once. Before, the stop
 * closed the api first, and the statuses of its last seconds' sends stayed ACCEPTED for good (then
 * RECEIPT_LATE); and the start polled before its sandbox answered, and each retry of a resumed call
 * counted another attempt ({@code attemptCount} up to 5). The SDK's test server cannot stand in: a
 * workflow task left on the stopped worker's sticky queue is never handed to the next worker.
 */
@ExtendWith(RealServer.class)
class RealServerRestartTest {

  private static final int SMS = 200;

  @TempDir Path data;

  @Test
  void aSendoutStoppedMidSendCompletesAfterTheRestartWithEachMessageTriedOnce() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedEngine.postgresBuilder(data).start()) {
      EmbeddedEngine.Settings settings =
          new EmbeddedEngine.Settings(
              0,
              0,
              0,
              0,
              postgres.getJdbcUrl("postgres", "postgres"),
              RealServer.address(),
              null,
              null,
              List.of(),
              List.of(),
              null,
              null);
      String id;
      EmbeddedEngine engine = RealServer.start(settings);
      try {
        EngineClient client = new EngineClient(engine);
        client.sandbox("PUT", "/sandbox/vonage/faults", "{\"latencyMs\": 300}");
        var created = client.createSendout(EngineClient.smsSendout(SMS).toString(), null);
        assertThat(created.status()).isEqualTo(202);
        id = created.body().path("id").asText();
        client.awaitTakenByProvider(id, 20, Duration.ofSeconds(60));
      } finally {
        engine.close();
      }

      engine = EmbeddedEngine.start(settings);
      try {
        EngineClient client = new EngineClient(engine);
        JsonNode done = client.awaitCompleted(id, Duration.ofSeconds(120));
        assertThat(done.path("messages").path("DELIVERED").asInt()).isEqualTo(SMS);
        Map<Integer, Integer> attempts = new TreeMap<>();
        client
            .messagesOf(id)
            .forEach(m -> attempts.merge(m.path("attemptCount").asInt(), 1, Integer::sum));
        System.out.println("Real server, after the restart: attempts " + attempts);
        assertThat(attempts).containsExactly(Map.entry(1, SMS));
      } finally {
        engine.close();
      }
    }
  }
}
