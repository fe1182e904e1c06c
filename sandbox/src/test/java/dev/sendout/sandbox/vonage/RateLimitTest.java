package dev.sendout.sandbox.vonage;

import static org.assertj.core.api.Assertions.assertThat;

import com.vonage.client.messages.MessageResponseException;
import com.vonage.client.messages.MessagesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The default limit of 30 requests per second, as the real SDK experiences it. */
class RateLimitTest extends VonageIntegrationTest {

  private static final int LIMIT = 30;
  private static final int BURST = 60;

  @Test
  void aBurstOverTheLimitGets429sWithVonagesBody() throws Exception {
    MessagesClient client = jwtClient();
    List<Integer> statuses = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    // A loaded machine may spread one burst over two seconds of the clock; a few bursts are
    // allowed.
    try {
      for (int burst = 0; burst < 3 && !statuses.contains(429); burst++) {
        awaitNextSecond();
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
          String clientRef = "burst-" + burst + "-" + i;
          answers.add(pool.submit(() -> statusOf(client, clientRef)));
        }
        for (Future<Integer> answer : answers) {
          statuses.add(answer.get(10, TimeUnit.SECONDS));
        }
      }
    } finally {
      pool.shutdownNow();
    }

    long accepted = statuses.stream().filter(s -> s == 202).count();
    long throttled = statuses.stream().filter(s -> s == 429).count();
    assertThat(accepted + throttled).isEqualTo(statuses.size());
    assertThat(throttled).isPositive();
    JsonNode stats = stats();
    assertThat(stats.get("throttled").asLong()).isEqualTo(throttled);
    assertThat(stats.get("accepted").asLong()).isEqualTo(accepted);
    assertThat(stats.get("maxRequestsInOneSecond").asInt()).isGreaterThan(LIMIT);
    assertThat(json(get("/sandbox/vonage/messages?limit=1000").body())).hasSize((int) accepted);
  }

  @Test
  void throttledAnswerIsVonagesRateLimitProblem() throws Exception {
    MessagesClient client = basicClient(API_KEY, API_SECRET);
    MessageResponseException throttled = null;
    int acceptedBefore = -1;
    // Sequential sends: the 31st within one second of the clock is the first that is refused. A
    // busy machine may spread an attempt over two seconds, so a few attempts are allowed.
    for (int attempt = 0; attempt < 5 && throttled == null; attempt++) {
      awaitNextSecond();
      for (int i = 0; i <= LIMIT && throttled == null; i++) {
        try {
          client.sendMessage(sms(RECIPIENT, "seq-" + attempt + "-" + i));
        } catch (MessageResponseException e) {
          throttled = e;
          acceptedBefore = i;
        }
      }
    }

    assertThat(throttled).isNotNull();
    assertThat(acceptedBefore).isEqualTo(LIMIT);
    assertThat(throttled.getStatusCode()).isEqualTo(429);
    assertThat(throttled.getTitle()).isEqualTo("Rate Limit Hit");
    assertThat(throttled.getDetail()).isEqualTo("Please wait, then retry your request");
    assertThat(throttled.getType().toString())
        .isEqualTo("https://developer.vonage.com/api-errors#throttled");
  }

  @Test
  void aSequencePacedAtTheLimitIsNeverThrottled() throws Exception {
    MessagesClient client = jwtClient();
    // With sequential sends at least 35 ms apart, any 31 consecutive requests span more than
    // 29 x 35 = 1,015 ms at the sandbox: never more than 30 in one second, yet close to it.
    long gapNanos = TimeUnit.MILLISECONDS.toNanos(35);
    long lastSent = System.nanoTime() - gapNanos;
    for (int i = 0; i < 45; i++) {
      long wait = lastSent + gapNanos - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      lastSent = System.nanoTime();
      client.sendMessage(sms(RECIPIENT, "paced-" + i));
    }

    JsonNode stats = stats();
    assertThat(stats.get("accepted").asLong()).isEqualTo(45);
    assertThat(stats.get("throttled").asLong()).isZero();
    assertThat(stats.get("maxRequestsInOneSecond").asInt()).isLessThanOrEqualTo(LIMIT);
    assertThat(stats.get("maxRequestsInAnySlidingSecond").asInt()).isLessThanOrEqualTo(LIMIT);
  }

  /** Waits for the start of the next second of the clock, so that what follows falls within one. */
  private static void awaitNextSecond() throws InterruptedException {
    Thread.sleep(1_000 - System.currentTimeMillis() % 1_000 + 5);
  }

  private static int statusOf(MessagesClient client, String clientRef) {
    try {
      client.sendMessage(sms(RECIPIENT, clientRef));
      return 202;
    } catch (MessageResponseException e) {
      return e.getStatusCode();
    }
  }
}
