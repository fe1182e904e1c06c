package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sendout.embedded.EngineClient.Reply;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sendout accepted while Temporal is unreachable is not lost: the API stores it and answers 202
 * at once, and the outbox relay starts its workflow when Temporal is back.
 */
class TemporalOutageEndToEndTest {

  private static EmbeddedEngine engine;
  private static EngineClient client;

  @BeforeAll
  static void startEngine() throws Exception {
    engine = EmbeddedEngine.start(EmbeddedEngine.Settings.ephemeral());
    client = new EngineClient(engine);
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @Test
  void sendoutAcceptedWhileTemporalIsDownStartsWhenItReturns() throws Exception {
    engine.stopTemporal();

    long before = System.nanoTime();
    Reply created = client.createSendout(EngineClient.emailSendout(25).toString(), null);
    Duration latency = Duration.ofNanos(System.nanoTime() - before);

    assertThat(created.status()).isEqualTo(202);
    assertThat(latency).as("the API does not wait for Temporal").isLessThan(Duration.ofSeconds(2));
    String id = created.body().path("id").asText();
    Thread.sleep(5_000);
    JsonNode waiting = client.get("/v1/sendouts/" + id).body();
    assertThat(waiting.path("workflowStartedAt").isNull()).isTrue();
    assertThat(waiting.path("messages").path("QUEUED").asInt()).isEqualTo(25);

    engine.startTemporal();

    JsonNode done =
        client.awaitSendout(
            id, Duration.ofSeconds(90), s -> "SENT".equals(s.path("status").asText()));
    assertThat(done.path("messages").path("ACCEPTED").asInt()).isEqualTo(25);
    for (JsonNode m : client.messagesOf(id)) {
      assertThat(client.sandboxSendCount(m.path("id").asText())).isEqualTo(1);
    }
  }
}
