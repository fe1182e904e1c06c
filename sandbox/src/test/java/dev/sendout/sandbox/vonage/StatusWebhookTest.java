package dev.sendout.sandbox.vonage;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.vonage.client.messages.Channel;
import com.vonage.client.messages.MessageStatus;
import com.vonage.client.messages.MessagesClient;
import com.vonage.jwt.Jwt;
import dev.sendout.sandbox.webhook.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Sends SMS through the real SDK and checks what a real receiver on the loopback interface gets:
 * signed JWTs, bodies the SDK's own parser reads, fates, order, duplicates and retries.
 */
class StatusWebhookTest extends VonageIntegrationTest {

  private WebhookReceiver receiver;
  private MessagesClient client;

  @BeforeEach
  void pointStatusesAtAFreshReceiver() throws Exception {
    receiver = new WebhookReceiver("/status");
    client = jwtClient();
    configure(
        """
        {"webhookUrl":"%s","delayMs":0,"silenceRate":0,"rejectedRate":0,"undeliverableRate":0,
         "submittedRate":1.0,"duplicates":1,"maxAttempts":20,"retryInitialBackoffMs":1000,
         "maxPendingStatuses":100000}
        """
            .formatted(receiver.url()));
  }

  @AfterEach
  void switchStatusesOff() throws Exception {
    configure("{\"webhookUrl\":\"\"}");
    receiver.close();
  }

  @Test
  void deliveredMessageGetsSubmittedAtOnceAndDeliveredAfterTheDelayInVonagesShape()
      throws Exception {
    configure("{\"delayMs\":300}");
    String clientRef = UUID.randomUUID().toString();
    long sentAt = System.nanoTime();
    String messageUuid = send(clientRef);
    awaitIdle();

    List<WebhookReceiver.Post> posts = receiver.posts();
    assertThat(posts).hasSize(2);
    MessageStatus submitted = MessageStatus.fromJson(posts.get(0).text());
    MessageStatus delivered = MessageStatus.fromJson(posts.get(1).text());
    assertThat(submitted.getStatus()).isEqualTo(MessageStatus.Status.SUBMITTED);
    assertThat(delivered.getStatus()).isEqualTo(MessageStatus.Status.DELIVERED);
    for (MessageStatus status : List.of(submitted, delivered)) {
      assertThat(status.getMessageUuid()).isEqualTo(UUID.fromString(messageUuid));
      assertThat(status.getClientRef()).isEqualTo(clientRef);
      assertThat(status.getTo()).isEqualTo(RECIPIENT);
      assertThat(status.getFrom()).isEqualTo(SENDER);
      assertThat(status.getChannel()).isEqualTo(Channel.SMS);
      assertThat(status.getUsage().getPrice()).isEqualTo(0.0333);
      assertThat(status.getUsage().getCurrency().getCurrencyCode()).isEqualTo("EUR");
      assertThat(status.getError()).isNull();
    }
    Instant receivedAt = Instant.parse(message(messageUuid).get("receivedAt").asString());
    assertThat(Duration.between(receivedAt, submitted.getTimestamp()).abs())
        .isLessThan(Duration.ofMillis(1));
    assertThat(Duration.between(submitted.getTimestamp(), delivered.getTimestamp()).toMillis())
        .isEqualTo(300);
    assertThat((posts.get(1).receivedAtNanos() - sentAt) / 1_000_000).isGreaterThanOrEqualTo(300);
    assertThat(posts.get(1).text())
        .isEqualTo(
            ("{\"message_uuid\":\"%s\",\"to\":\"%s\",\"from\":\"%s\",\"timestamp\":\"%s\","
                    + "\"status\":\"delivered\",\"client_ref\":\"%s\",\"channel\":\"sms\","
                    + "\"usage\":{\"currency\":\"EUR\",\"price\":\"0.0333\"}}")
                .formatted(
                    messageUuid,
                    RECIPIENT,
                    SENDER,
                    json(posts.get(1).text()).get("timestamp").asString(),
                    clientRef));
    assertThat(json(posts.get(1).text()).get("timestamp").asString())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    JsonNode record = message(messageUuid);
    assertThat(record.get("fate").asString()).isEqualTo("DELIVERED");
    assertThat(names(record.get("statusesPlanned"))).containsExactly("submitted", "delivered");
    assertThat(names(record.get("statusesPosted"))).containsExactly("submitted", "delivered");
  }

  @Test
  void everyPostCarriesAVonageJwtThatVerifiesAndHashesTheExactBody() throws Exception {
    long now = Instant.now().getEpochSecond();
    send("signed");
    awaitIdle();

    List<WebhookReceiver.Post> posts = receiver.posts();
    assertThat(posts).hasSize(2);
    for (WebhookReceiver.Post post : posts) {
      assertThat(post.contentType()).isEqualTo("application/json");
      assertThat(post.header("Authorization")).startsWith("Bearer ");
      assertThat(Jwt.verifySignature(post.bearerToken(), SIGNATURE_SECRET)).isTrue();
      assertThat(Jwt.verifySignature(post.bearerToken(), "another-secret-of-the-same-length!"))
          .isFalse();
      DecodedJWT jwt = JWT.decode(post.bearerToken());
      assertThat(jwt.getAlgorithm()).isEqualTo("HS256");
      assertThat(jwt.getIssuer()).isEqualTo("Vonage");
      assertThat(UUID.fromString(jwt.getId())).isNotNull();
      assertThat(jwt.getIssuedAtAsInstant().getEpochSecond()).isBetween(now - 1, now + 5);
      assertThat(jwt.getClaim("application_id").asString()).isEqualTo(APPLICATION_ID);
      assertThat(jwt.getClaim("api_key").asString()).isEqualTo(API_KEY);
      assertThat(jwt.getClaim("payload_hash").asString()).isEqualTo(sha256Hex(post.body()));
    }
    assertThat(JWT.decode(posts.get(0).bearerToken()).getId())
        .isNotEqualTo(JWT.decode(posts.get(1).bearerToken()).getId());
  }

  @Test
  void rejectedMessageGetsOnlyARejectionWithItsError() throws Exception {
    configure("{\"rejectedRate\":1.0}");
    String messageUuid = send("rejected");
    awaitIdle();

    List<WebhookReceiver.Post> posts = receiver.posts();
    assertThat(posts).hasSize(1);
    MessageStatus rejected = MessageStatus.fromJson(posts.get(0).text());
    assertThat(rejected.getStatus()).isEqualTo(MessageStatus.Status.REJECTED);
    assertThat(rejected.getError().getTitle()).isEqualTo("1050");
    assertThat(rejected.getError().getType())
        .isEqualTo(URI.create("https://developer.vonage.com/api-errors/messages#1050"));
    assertThat(rejected.getError().getDetail()).contains("(sandbox)");
    assertThat(rejected.getUsage()).isNull();
    assertThat(json(posts.get(0).text()).get("error").get("title").isNumber()).isTrue();
    assertThat(message(messageUuid).get("fate").asString()).isEqualTo("REJECTED");
  }

  @Test
  void undeliverableMessageIsSubmittedThenUndeliverableWithAnotherError() throws Exception {
    configure("{\"undeliverableRate\":1.0}");
    send("undeliverable");
    awaitIdle();

    List<MessageStatus> statuses = statuses();
    assertThat(statuses)
        .extracting(MessageStatus::getStatus)
        .containsExactly(MessageStatus.Status.SUBMITTED, MessageStatus.Status.UNDELIVERABLE);
    MessageStatus.Error error = statuses.get(1).getError();
    assertThat(error.getTitle()).isEqualTo("1320");
    assertThat(error.getDetail())
        .isEqualTo("Message failed because the number is unreachable (sandbox)");
    assertThat(statuses.get(0).getError()).isNull();
  }

  @Test
  void withoutSubmittedRateOnlyTheFinalStatusIsPosted() throws Exception {
    configure("{\"submittedRate\":0.0}");
    String messageUuid = send("no-submitted");
    awaitIdle();

    assertThat(statuses())
        .extracting(MessageStatus::getStatus)
        .containsExactly(MessageStatus.Status.DELIVERED);
    assertThat(names(message(messageUuid).get("statusesPlanned"))).containsExactly("delivered");
  }

  @Test
  void duplicatesPostEveryStatusWithAnIdenticalBodyInOrder() throws Exception {
    configure("{\"duplicates\":3}");
    String messageUuid = send("dup");
    awaitIdle();

    List<WebhookReceiver.Post> posts = receiver.posts();
    assertThat(posts).hasSize(6);
    assertThat(statuses())
        .extracting(MessageStatus::getStatus)
        .containsExactly(
            MessageStatus.Status.SUBMITTED,
            MessageStatus.Status.SUBMITTED,
            MessageStatus.Status.SUBMITTED,
            MessageStatus.Status.DELIVERED,
            MessageStatus.Status.DELIVERED,
            MessageStatus.Status.DELIVERED);
    assertThat(posts.get(1).body()).isEqualTo(posts.get(0).body());
    assertThat(posts.get(2).body()).isEqualTo(posts.get(0).body());
    assertThat(posts.get(5).body()).isEqualTo(posts.get(3).body());
    assertThat(stats().get("statusesPosted").asLong()).isEqualTo(6);
    assertThat(names(message(messageUuid).get("statusesPosted"))).hasSize(6);
  }

  @Test
  void eachMessagesStatusesArriveInOrderEvenWithoutDelay() throws Exception {
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      uuids.add(send("order-" + i));
    }
    awaitIdle();

    List<MessageStatus> statuses = statuses();
    assertThat(statuses).hasSize(20);
    for (String uuid : uuids) {
      assertThat(statuses)
          .filteredOn(s -> s.getMessageUuid().toString().equals(uuid))
          .extracting(MessageStatus::getStatus)
          .containsExactly(MessageStatus.Status.SUBMITTED, MessageStatus.Status.DELIVERED);
    }
  }

  @Test
  void silencedMessagesNeverGetAStatusWhileTheirFateSaysSilent() throws Exception {
    configure("{\"silenceRate\":1.0}");
    String silent1 = send("silent-1");
    String silent2 = send("silent-2");
    configure("{\"silenceRate\":0.0}");
    // A message accepted later proves the statuses pipeline ran past the silenced ones.
    String marker = send("marker");
    awaitIdle();

    assertThat(statuses())
        .extracting(s -> s.getMessageUuid().toString())
        .containsExactly(marker, marker);
    assertThat(message(silent1).get("fate").asString()).isEqualTo("SILENT");
    assertThat(message(silent2).get("statusesPlanned").isEmpty()).isTrue();
    assertThat(message(silent2).get("statusesPosted").isEmpty()).isTrue();
  }

  @Test
  void failedPostsAreRetriedWithTheSameBodyAndAFreshTokenUntilAccepted() throws Exception {
    configure("{\"retryInitialBackoffMs\":50}");
    receiver.answerNext(500, 500);
    send("retried");
    awaitIdle();

    List<WebhookReceiver.Post> posts = receiver.posts();
    assertThat(posts).hasSize(4);
    assertThat(posts.get(1).body()).isEqualTo(posts.get(0).body());
    assertThat(posts.get(2).body()).isEqualTo(posts.get(0).body());
    assertThat(posts.stream().map(p -> JWT.decode(p.bearerToken()).getId()).distinct()).hasSize(4);
    assertThat(statuses())
        .extracting(MessageStatus::getStatus)
        .containsExactly(
            MessageStatus.Status.SUBMITTED,
            MessageStatus.Status.SUBMITTED,
            MessageStatus.Status.SUBMITTED,
            MessageStatus.Status.DELIVERED);
    JsonNode stats = stats();
    assertThat(stats.get("statusPostFailures").asLong()).isEqualTo(2);
    assertThat(stats.get("statusesPosted").asLong()).isEqualTo(2);
    assertThat(stats.get("statusesDropped").asLong()).isZero();
  }

  @Test
  void givesUpOnAStatusAfterMaxAttemptsAndStillPostsTheNextOne() throws Exception {
    configure("{\"maxAttempts\":2,\"retryInitialBackoffMs\":10}");
    receiver.answerNext(503, 503);
    String messageUuid = send("given-up");
    awaitIdle();

    assertThat(receiver.posts()).hasSize(3);
    JsonNode stats = stats();
    assertThat(stats.get("statusesDropped").asLong()).isEqualTo(1);
    assertThat(stats.get("statusesPosted").asLong()).isEqualTo(1);
    assertThat(stats.get("statusPostFailures").asLong()).isEqualTo(2);
    JsonNode record = message(messageUuid);
    assertThat(names(record.get("statusesPlanned"))).containsExactly("submitted", "delivered");
    assertThat(names(record.get("statusesPosted"))).containsExactly("delivered");
  }

  @Test
  void aSeedSetAtRunTimeRepeatsTheSameFates() throws Exception {
    configure("{\"rejectedRate\":0.3,\"undeliverableRate\":0.3,\"silenceRate\":0.2,\"seed\":7}");
    List<String> first = fates(10);
    configure("{\"seed\":7}");
    List<String> again = fates(10);

    assertThat(again).isEqualTo(first);
    // Several different fates, so an always-delivered sandbox could not pass this test.
    assertThat(new HashSet<>(first)).hasSizeGreaterThan(1);
    assertThat(json(get("/sandbox/vonage/statuses").body()).get("seed").asLong()).isEqualTo(7);
  }

  @Test
  void aSlowReceiverNeverSlowsDownSending() throws Exception {
    receiver.answerAfter(1_000);

    long started = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      send("slow-receiver-" + i);
    }
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    // Five sends are a few milliseconds each; had they waited for the receiver, over 5 s.
    assertThat(tookMs).isLessThan(2_500);
    assertThat(stats().get("statusesPending").asLong()).isPositive();
  }

  @Test
  void clearingForgetsStatusesNotYetPosted() throws Exception {
    configure("{\"delayMs\":300}");
    String forgotten = send("forgotten");
    await(() -> receiver.posts().size() == 1);

    assertThat(delete("/sandbox/vonage/messages").statusCode()).isEqualTo(204);
    assertThat(stats().get("statusesPending").asLong()).isZero();
    String later = send("after-clear");
    awaitIdle();

    // The forgotten delivery was due before this one's, so it would have arrived by now.
    assertThat(statuses())
        .extracting(s -> s.getMessageUuid().toString() + " " + s.getStatus())
        .containsExactly(forgotten + " submitted", later + " submitted", later + " delivered");
  }

  @Test
  void putRejectsImpossibleSettingsKeepsTheCurrentOnesAndNeverShowsTheSecret() throws Exception {
    HttpResponse<String> response =
        put(
            "/sandbox/vonage/statuses",
            "{\"rejectedRate\":1.5,\"duplicates\":0,\"webhookUrl\":\"ftp://127.0.0.1/\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(names(json(response.body()).get("invalid_parameters"), "name"))
        .containsExactlyInAnyOrder("rejectedRate", "duplicates", "webhookUrl");
    HttpResponse<String> current = get("/sandbox/vonage/statuses");
    JsonNode settings = json(current.body());
    assertThat(settings.get("rejectedRate").asDouble()).isZero();
    assertThat(settings.get("webhookUrl").asString()).isEqualTo(receiver.url());
    assertThat(settings.get("delayMs").asLong()).isZero();
    assertThat(current.body()).doesNotContain(SIGNATURE_SECRET).doesNotContain("ignature");
  }

  private String send(String clientRef) {
    return client.sendMessage(sms(RECIPIENT, clientRef)).getMessageUuid().toString();
  }

  /** Sends this many messages and returns the fate the sandbox drew for each, in order. */
  private List<String> fates(int messages) throws Exception {
    List<String> fates = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      fates.add(message(send("fate-" + i)).get("fate").asString());
    }
    return fates;
  }

  private void configure(String settings) throws Exception {
    HttpResponse<String> response = put("/sandbox/vonage/statuses", settings);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** Waits until every scheduled status has been posted or dropped. */
  private void awaitIdle() throws Exception {
    await(
        () -> {
          try {
            return stats().get("statusesPending").asLong() == 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private List<MessageStatus> statuses() {
    return receiver.posts().stream().map(p -> MessageStatus.fromJson(p.text())).toList();
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.asString()));
    return names;
  }

  private static List<String> names(JsonNode array, String field) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.get(field).asString()));
    return names;
  }

  private static String sha256Hex(byte[] body) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
  }
}
