package dev.sendout.sandbox.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendgrid.Response;
import com.sendgrid.helpers.mail.Mail;
import dev.sendout.sandbox.sendgrid.events.Receipts;
import dev.sendout.sandbox.webhook.WebhookReceiver;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Drives the Event Webhook through the real mail send endpoint and checks what a real receiver on
 * the loopback interface gets: signatures, event shapes, fates, duplicates and retries.
 */
class EventWebhookTest extends SandboxIntegrationTest {

  private static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
  private static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";

  @Autowired Receipts receipts;

  private WebhookReceiver receiver;

  @BeforeEach
  void pointReceiptsAtAFreshReceiver() throws Exception {
    receiver = new WebhookReceiver("/events");
    // Short delays and flushes keep each test well under a second; rates start at zero.
    configure(
        """
        {"webhookUrl":"%s","deliveryDelayMs":0,"silenceRate":0,"dropRate":0,"bounceRate":0,
         "deferredRate":0,"asyncBounceRate":0,"outOfOrderRate":0,"bounceWithoutCustomArgsRate":0,
         "duplicates":1,"batchSize":1000,"flushIntervalMs":20,"maxAttempts":20,
         "retryInitialBackoffMs":1000,"maxPendingEvents":5000000}
        """
            .formatted(receiver.url()));
  }

  @AfterEach
  void switchReceiptsOff() throws Exception {
    // The Spring context is shared with the other sandbox tests, which expect no receipts.
    configure("{\"webhookUrl\":\"\"}");
    assertThat(delete("/sandbox/sendgrid/messages").statusCode()).isEqualTo(204);
    receiver.close();
  }

  @Test
  void batchSignatureVerifiesWithThePublishedKeyAndFailsForAnAlteredBody() throws Exception {
    long now = Instant.now().getEpochSecond();
    send("sig-1", "sig-2");
    awaitIdle();

    PublicKey publicKey = publishedKey();
    List<WebhookReceiver.Post> posts = receiver.posts();
    assertThat(posts).isNotEmpty();
    for (WebhookReceiver.Post post : posts) {
      assertThat(post.contentType()).isEqualTo("application/json");
      assertThat(Long.parseLong(post.header(TIMESTAMP_HEADER))).isBetween(now - 1, now + 5);
      assertThat(verifies(publicKey, post, post.body())).isTrue();
      byte[] altered =
          new String(post.body(), StandardCharsets.UTF_8)
              .replaceFirst("example\\.com", "examplf.com")
              .getBytes(StandardCharsets.UTF_8);
      assertThat(altered).isNotEqualTo(post.body());
      assertThat(verifies(publicKey, post, altered)).isFalse();
    }
  }

  @Test
  void deliveredMessageGetsProcessedAtOnceAndDeliveredAfterTheDelay() throws Exception {
    configure("{\"deliveryDelayMs\":300}");
    long sentAt = System.nanoTime();
    String xMessageId = send("msg-delivered");
    awaitIdle();

    List<JsonNode> events = eventsOf("msg-delivered");
    assertThat(events)
        .extracting(e -> e.get("event").asString())
        .containsExactly("processed", "delivered");
    for (JsonNode event : events) {
      assertThat(event.get("email").asString()).isEqualTo("msg-delivered@example.com");
      assertThat(event.get("sg_message_id").asString()).startsWith(xMessageId + ".");
      assertThat(event.get("smtp-id").asString()).matches("<.+@sandbox>");
      assertThat(event.get("sg_event_id").asString()).matches("[A-Za-z0-9_-]{22}");
      assertThat(event.get("timestamp").isIntegralNumber()).isTrue();
      assertThat(event.get("category").isArray()).isTrue();
      assertThat(event.get("category").isEmpty()).isTrue();
    }
    assertThat(events.get(0).get("sg_event_id").asString())
        .isNotEqualTo(events.get(1).get("sg_event_id").asString());
    assertThat(events.get(1).get("response").asString()).isEqualTo("250 2.0.0 OK");
    long deliveredAfterMs = (receivedAt("msg-delivered", "delivered") - sentAt) / 1_000_000;
    assertThat(deliveredAfterMs).isGreaterThanOrEqualTo(300);
    assertThat(fate("msg-delivered").get("outcome").asString()).isEqualTo("DELIVERED");
    assertThat(receiptStats().get("fates").get("delivered").asLong()).isEqualTo(1);
  }

  @Test
  void silencedMessagesNeverGetAnEventWhileTheirFateSaysSilent() throws Exception {
    configure("{\"silenceRate\":1.0}");
    send("msg-silent-1", "msg-silent-2");
    configure("{\"silenceRate\":0.0}");
    // A message accepted later proves the pipeline ran past the silenced ones.
    send("msg-marker");
    awaitIdle();

    assertThat(eventsOf("msg-marker")).hasSize(2);
    assertThat(eventsOf("msg-silent-1")).isEmpty();
    assertThat(eventsOf("msg-silent-2")).isEmpty();
    assertThat(events()).hasSize(2);
    assertThat(fate("msg-silent-1").get("outcome").asString()).isEqualTo("SILENT");
    assertThat(fate("msg-marker").get("outcome").asString()).isEqualTo("DELIVERED");
    JsonNode fates = receiptStats().get("fates");
    assertThat(fates.get("silent").asLong()).isEqualTo(2);
    assertThat(fates.get("delivered").asLong()).isEqualTo(1);
  }

  @Test
  void duplicatesSendEveryEventThreeTimesEachCopyInItsOwnPost() throws Exception {
    configure("{\"duplicates\":3}");
    send("msg-dup-1", "msg-dup-2");
    awaitIdle();

    Map<String, Long> copies =
        events().stream()
            .collect(
                Collectors.groupingBy(e -> e.get("sg_event_id").asString(), Collectors.counting()));
    assertThat(copies).hasSize(4);
    assertThat(copies.values()).containsOnly(3L);
    for (WebhookReceiver.Post post : receiver.posts()) {
      List<String> ids = new ArrayList<>();
      json(post).forEach(e -> ids.add(e.get("sg_event_id").asString()));
      assertThat(ids).doesNotHaveDuplicates();
    }
    assertThat(receiptStats().get("eventsPosted").asLong()).isEqualTo(12);
  }

  @Test
  void bouncedMessagesAreProcessedThenBounceWithSmtpDetails() throws Exception {
    configure("{\"bounceRate\":1.0}");
    List<String> ids = List.of("b-1", "b-2", "b-3", "b-4", "b-5", "b-6");
    send(ids.toArray(String[]::new));
    awaitIdle();

    for (String id : ids) {
      List<JsonNode> events = eventsOf(id);
      assertThat(events)
          .extracting(e -> e.get("event").asString())
          .containsExactly("processed", "bounce");
      JsonNode bounce = events.get(1);
      String expectedType = fate(id).get("blocked").asBoolean() ? "blocked" : "bounce";
      assertThat(bounce.get("type").asString()).isEqualTo(expectedType);
      assertThat(bounce.get("reason").asString())
          .isEqualTo("550 5.1.1 The email account that you tried to reach does not exist.");
      assertThat(bounce.get("status").asString()).isEqualTo("5.1.1");
      assertThat(fate(id).get("outcome").asString()).isEqualTo("BOUNCED");
    }
    assertThat(receiptStats().get("fates").get("bounced").asLong()).isEqualTo(6);
  }

  @Test
  void bounceCanLeaveOutTheCustomArgsWhileProcessedKeepsThem() throws Exception {
    configure("{\"bounceRate\":1.0,\"bounceWithoutCustomArgsRate\":1.0}");
    send("b-bare");
    awaitIdle();

    List<JsonNode> events = byEmail("b-bare@example.com");
    assertThat(events)
        .extracting(e -> e.get("event").asString())
        .containsExactly("processed", "bounce");
    assertThat(events.get(0).get("message_id").asString()).isEqualTo("b-bare");
    assertThat(events.get(1).has("message_id")).isFalse();
    assertThat(fate("b-bare").get("customArgsOmitted").asBoolean()).isTrue();
  }

  @Test
  void droppedMessagesGetASingleDroppedEvent() throws Exception {
    configure("{\"dropRate\":1.0}");
    send("msg-dropped");
    awaitIdle();

    List<JsonNode> events = eventsOf("msg-dropped");
    assertThat(events).extracting(e -> e.get("event").asString()).containsExactly("dropped");
    assertThat(events.get(0).get("reason").asString()).isEqualTo("Bounced Address");
    assertThat(fate("msg-dropped").get("outcome").asString()).isEqualTo("DROPPED");
  }

  @Test
  void deferredAndLateBounceSurroundTheDelivery() throws Exception {
    configure("{\"deferredRate\":1.0,\"asyncBounceRate\":1.0}");
    send("msg-late-bounce");
    awaitIdle();

    List<JsonNode> events = eventsOf("msg-late-bounce");
    assertThat(events)
        .extracting(e -> e.get("event").asString())
        .containsExactly("processed", "deferred", "delivered", "bounce");
    assertThat(events.get(1).get("response").asString()).isEqualTo("421 4.7.0 Try again later");
    assertThat(events.get(1).get("attempt").asString()).isEqualTo("1");
    JsonNode fate = fate("msg-late-bounce");
    assertThat(fate.get("outcome").asString()).isEqualTo("DELIVERED");
    assertThat(fate.get("deferred").asBoolean()).isTrue();
    assertThat(fate.get("bouncedAfterDelivery").asBoolean()).isTrue();
  }

  @Test
  void outOfOrderSendsDeliveredBeforeProcessed() throws Exception {
    configure("{\"outOfOrderRate\":1.0}");
    send("msg-reversed");
    awaitIdle();

    List<JsonNode> events = eventsOf("msg-reversed");
    assertThat(events)
        .extracting(e -> e.get("event").asString())
        .containsExactly("delivered", "processed");
    assertThat(events.get(1).get("timestamp").asLong())
        .isLessThanOrEqualTo(events.get(0).get("timestamp").asLong());
    assertThat(fate("msg-reversed").get("outOfOrder").asBoolean()).isTrue();
  }

  @Test
  void failedPostsAreRetriedReSignedUntilAcceptedAndNothingIsLost() throws Exception {
    // Both events of the message in one batch however slow the machine: with the suite's 20 ms
    // flush, a busy CI split them into two batches, each failed and retried (4 posts, not 3).
    configure("{\"retryInitialBackoffMs\":50,\"flushIntervalMs\":1000}");
    receiver.answerNext(500, 500);
    send("msg-retried");
    awaitIdle();

    List<WebhookReceiver.Post> posts = receiver.posts();
    assertThat(posts).hasSize(3);
    PublicKey publicKey = publishedKey();
    for (WebhookReceiver.Post post : posts) {
      assertThat(post.body()).isEqualTo(posts.get(0).body());
      assertThat(verifies(publicKey, post, post.body())).isTrue();
    }
    assertThat(posts.stream().map(post -> post.header(SIGNATURE_HEADER)).distinct()).hasSize(3);
    assertThat(json(posts.get(2)))
        .extracting(e -> e.get("event").asString())
        .containsExactly("processed", "delivered");
    JsonNode stats = receiptStats();
    assertThat(stats.get("postFailures").asLong()).isEqualTo(2);
    assertThat(stats.get("retries").asLong()).isEqualTo(2);
    assertThat(stats.get("batchesPosted").asLong()).isEqualTo(1);
    assertThat(stats.get("eventsPosted").asLong()).isEqualTo(2);
    assertThat(stats.get("eventsDropped").asLong()).isZero();
  }

  @Test
  void givesUpAfterMaxAttemptsAndCountsTheDroppedEvents() throws Exception {
    configure("{\"maxAttempts\":2,\"retryInitialBackoffMs\":10}");
    receiver.answerNext(503, 503, 503);
    send("msg-given-up");
    awaitIdle();

    assertThat(receiver.posts()).hasSize(2);
    JsonNode stats = receiptStats();
    assertThat(stats.get("eventsDropped").asLong()).isEqualTo(2);
    assertThat(stats.get("eventsPosted").asLong()).isZero();
    assertThat(stats.get("postFailures").asLong()).isEqualTo(2);
  }

  @Test
  void clearingForgetsEventsNotYetSent() throws Exception {
    configure("{\"deliveryDelayMs\":300}");
    send("msg-forgotten");
    await(() -> eventsOf("msg-forgotten").size() == 1);

    assertThat(delete("/sandbox/sendgrid/messages").statusCode()).isEqualTo(204);
    assertThat(receiptStats().get("pendingEvents").asLong()).isZero();
    send("msg-after-clear");
    awaitIdle();

    // The forgotten delivery was due before this one, so it would have arrived by now.
    assertThat(eventsOf("msg-after-clear")).hasSize(2);
    assertThat(eventsOf("msg-forgotten"))
        .extracting(e -> e.get("event").asString())
        .containsExactly("processed");
  }

  @Test
  void postsTheReceiptsOfAHundredThousandMessagesInThousandEventBatchesWithinSeconds()
      throws Exception {
    // Planning directly skips building a hundred SDK requests, which would cost more than what is
    // measured here.
    List<List<RenderedPersonalization>> requests = new ArrayList<>();
    for (int r = 0; r < 100; r++) {
      List<RenderedPersonalization> personalizations = new ArrayList<>(1000);
      for (int p = 0; p < 1000; p++) {
        personalizations.add(
            new RenderedPersonalization(
                "load-" + r + "-" + p, "r" + p + "@example.com", "", "", null));
      }
      requests.add(personalizations);
    }
    long started = System.nanoTime();
    for (int r = 0; r < requests.size(); r++) {
      receipts.send(receipts.plan("x-load-" + r, requests.get(r)));
    }
    awaitIdle(20);
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    JsonNode stats = receiptStats();
    assertThat(stats.get("eventsPosted").asLong()).isEqualTo(200_000);
    assertThat(stats.get("batchesPosted").asLong()).isBetween(200L, 220L);
    assertThat(stats.get("eventsDropped").asLong()).isZero();
    // About 3 s on two cores; the margin is for busy build machines, while signing or posting per
    // event instead of per batch would take minutes.
    assertThat(tookMs).isLessThan(10_000);
  }

  @Test
  void putRejectsImpossibleSettingsAndKeepsTheCurrentOnes() throws Exception {
    HttpResponse<String> response =
        put(
            "/sandbox/sendgrid/receipts",
            "{\"bounceRate\":1.5,\"duplicates\":0,\"webhookUrl\":\"ftp://127.0.0.1/\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    json(response.body()).get("errors").forEach(e -> fields.add(e.get("field").asString()));
    assertThat(fields).containsExactlyInAnyOrder("bounceRate", "duplicates", "webhookUrl");
    JsonNode settings = json(get("/sandbox/sendgrid/receipts").body());
    assertThat(settings.get("bounceRate").asDouble()).isZero();
    assertThat(settings.get("duplicates").asInt()).isEqualTo(1);
    assertThat(settings.get("webhookUrl").asString()).isEqualTo(receiver.url());
    assertThat(settings.has("privateKey")).isFalse();
  }

  /** Sends one mail with a personalization per id, addressed to {@code <id>@example.com}. */
  private String send(String... messageIds) throws Exception {
    Mail mail = mail();
    for (String id : messageIds) {
      mail.addPersonalization(personalization(id, id + "@example.com", "N"));
    }
    Response response = send(mail);
    assertThat(response.getStatusCode()).isEqualTo(202);
    return header(response, "X-Message-Id");
  }

  private void configure(String settings) throws Exception {
    HttpResponse<String> response = put("/sandbox/sendgrid/receipts", settings);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** Waits until every queued event has been posted or dropped, so the receiver holds them all. */
  private void awaitIdle() throws Exception {
    awaitIdle(5);
  }

  private void awaitIdle(int seconds) throws Exception {
    await(
        seconds,
        () -> {
          try {
            return receiptStats().get("pendingEvents").asLong() == 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private JsonNode receiptStats() throws Exception {
    return stats().get("receipts");
  }

  private JsonNode fate(String messageId) throws Exception {
    return json(message(messageId).body()).get("fate");
  }

  private List<JsonNode> events() {
    List<JsonNode> events = new ArrayList<>();
    receiver.posts().forEach(post -> json(post).forEach(events::add));
    return events;
  }

  private List<JsonNode> eventsOf(String messageId) {
    return filter(e -> messageId.equals(e.path("message_id").asString(null)));
  }

  private List<JsonNode> byEmail(String email) {
    return filter(e -> email.equals(e.get("email").asString()));
  }

  private List<JsonNode> filter(Function<JsonNode, Boolean> predicate) {
    return events().stream().filter(predicate::apply).toList();
  }

  private long receivedAt(String messageId, String type) {
    for (WebhookReceiver.Post post : receiver.posts()) {
      for (JsonNode event : json(post)) {
        if (messageId.equals(event.path("message_id").asString(null))
            && type.equals(event.get("event").asString())) {
          return post.receivedAtNanos();
        }
      }
    }
    throw new AssertionError("no " + type + " event for " + messageId);
  }

  private JsonNode json(WebhookReceiver.Post post) {
    return objectMapper.readTree(post.body());
  }

  private PublicKey publishedKey() throws Exception {
    HttpResponse<String> response = get("/sandbox/sendgrid/receipts/public-key");
    assertThat(response.statusCode()).isEqualTo(200);
    byte[] der = Base64.getDecoder().decode(json(response.body()).get("publicKey").asString());
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
  }

  /** Verifies as SendGrid's docs tell receivers to: the timestamp's bytes, then the raw body. */
  private static boolean verifies(PublicKey key, WebhookReceiver.Post post, byte[] body)
      throws Exception {
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update(post.header(TIMESTAMP_HEADER).getBytes(StandardCharsets.UTF_8));
    verifier.update(body);
    return verifier.verify(Base64.getDecoder().decode(post.header(SIGNATURE_HEADER)));
  }
}
