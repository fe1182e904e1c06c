package dev.sendout.sandbox.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendgrid.Response;
import com.sendgrid.helpers.mail.Mail;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MailSendAcceptanceTest extends SandboxIntegrationTest {

  @Test
  void acceptsAndRecordsEachPersonalizationOnceWithItsSubstitutions() throws Exception {
    Mail mail = mail();
    mail.addPersonalization(personalization("msg-1", "ann@example.com", "Ann"));
    mail.addPersonalization(personalization("msg-2", "bob@example.com", "Bob"));
    mail.addPersonalization(personalization("msg-3", "cy@example.com", "Cy"));

    Response response = send(mail);

    assertThat(response.getStatusCode()).isEqualTo(202);
    assertThat(response.getBody()).isEmpty();
    String xMessageId = header(response, "x-message-id");
    assertThat(xMessageId).matches("[0-9A-Za-z]{22}");

    JsonNode bob = json(message("msg-2").body());
    assertThat(bob.get("messageId").asString()).isEqualTo("msg-2");
    assertThat(bob.get("sendCount").asLong()).isEqualTo(1);
    assertThat(bob.get("xMessageId").asString()).isEqualTo(xMessageId);
    assertThat(bob.get("to").asString()).isEqualTo("bob@example.com");
    assertThat(bob.get("subject").asString()).isEqualTo("Hello Bob");
    assertThat(bob.get("text").asString()).isEqualTo("Hi Bob, tell us how we did.");
    assertThat(bob.get("html").asString()).isEqualTo("<p>Hi Bob, tell us how we did.</p>");
    assertThat(json(message("msg-1").body()).get("subject").asString()).isEqualTo("Hello Ann");
    assertThat(json(message("msg-3").body()).get("sendCount").asLong()).isEqualTo(1);

    JsonNode stats = stats();
    assertThat(stats.get("requests").asLong()).isEqualTo(1);
    assertThat(stats.get("accepted").asLong()).isEqualTo(3);
    assertThat(stats.get("distinctMessages").asLong()).isEqualTo(3);
    assertThat(stats.get("duplicates").asLong()).isZero();
  }

  @Test
  void unknownMessageIdIsNotFound() throws Exception {
    assertThat(message("never-sent").statusCode()).isEqualTo(404);
  }

  @Test
  void countsTheSameMessageIdSentTwiceAsADuplicate() throws Exception {
    Mail first = mail();
    first.addPersonalization(personalization("msg-dup", "ann@example.com", "Ann"));
    Mail retry = mail();
    retry.addPersonalization(personalization("msg-dup", "ann@example.com", "Ann"));
    retry.addPersonalization(personalization("msg-other", "bob@example.com", "Bob"));

    assertThat(send(first).getStatusCode()).isEqualTo(202);
    Response second = send(retry);
    assertThat(second.getStatusCode()).isEqualTo(202);

    JsonNode record = json(message("msg-dup").body());
    assertThat(record.get("sendCount").asLong()).isEqualTo(2);
    assertThat(record.get("xMessageId").asString()).isEqualTo(header(second, "X-Message-Id"));
    JsonNode stats = stats();
    assertThat(stats.get("accepted").asLong()).isEqualTo(3);
    assertThat(stats.get("distinctMessages").asLong()).isEqualTo(2);
    assertThat(stats.get("duplicates").asLong()).isEqualTo(1);
  }

  @Test
  void clearingForgetsRecordsAndCounters() throws Exception {
    Mail mail = mail();
    mail.addPersonalization(personalization("msg-clear", "ann@example.com", "Ann"));
    assertThat(send(mail).getStatusCode()).isEqualTo(202);

    assertThat(delete("/sandbox/sendgrid/messages").statusCode()).isEqualTo(204);

    assertThat(message("msg-clear").statusCode()).isEqualTo(404);
    assertThat(stats().get("requests").asLong()).isZero();
    assertThat(stats().get("accepted").asLong()).isZero();
  }

  @Test
  void handlesAThousandPersonalizationsWellUnderAHundredMilliseconds() throws Exception {
    long best = Long.MAX_VALUE;
    // The first rounds warm up the JIT; the best round shows what the handler itself costs.
    for (int round = 0; round < 8; round++) {
      Mail mail = mail();
      for (int i = 0; i < 1000; i++) {
        mail.addPersonalization(
            personalization("perf-" + round + "-" + i, "r" + i + "@example.com", "N" + i));
      }
      long started = System.nanoTime();
      Response response = send(mail);
      best = Math.min(best, (System.nanoTime() - started) / 1_000_000);
      assertThat(response.getStatusCode()).isEqualTo(202);
    }
    assertThat(best).isLessThan(100);
    assertThat(stats().get("accepted").asLong()).isEqualTo(8000);
    assertThat(json(message("perf-7-999").body()).get("subject").asString())
        .isEqualTo("Hello N999");
  }

  @Test
  void recordsEveryPersonalizationUnderConcurrentRequests() throws Exception {
    int threads = 8;
    int requestsPerThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        for (int r = 0; r < requestsPerThread; r++) {
          String prefix = "conc-" + t + "-" + r + "-";
          statuses.add(
              pool.submit(
                  () -> {
                    Mail mail = mail();
                    for (int p = 0; p < 4; p++) {
                      mail.addPersonalization(
                          personalization(prefix + p, "x" + p + "@example.com", "X"));
                    }
                    // Every request also resends one shared id to contend on a single record.
                    mail.addPersonalization(personalization("conc-shared", "s@example.com", "S"));
                    return send(mail).getStatusCode();
                  }));
        }
      }
      for (Future<Integer> status : statuses) {
        assertThat(status.get()).isEqualTo(202);
      }
    } finally {
      pool.shutdown();
    }

    int requests = threads * requestsPerThread;
    JsonNode stats = stats();
    assertThat(stats.get("requests").asLong()).isEqualTo(requests);
    assertThat(stats.get("accepted").asLong()).isEqualTo(requests * 5L);
    assertThat(stats.get("distinctMessages").asLong()).isEqualTo(requests * 4L + 1);
    assertThat(stats.get("duplicates").asLong()).isEqualTo(1);
    assertThat(json(message("conc-shared").body()).get("sendCount").asLong()).isEqualTo(requests);
    assertThat(json(message("conc-7-24-3").body()).get("sendCount").asLong()).isEqualTo(1);
  }
}
