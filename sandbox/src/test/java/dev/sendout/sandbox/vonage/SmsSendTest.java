package dev.sendout.sandbox.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.vonage.client.VonageClient;
import com.vonage.client.VonageMethodFailedException;
import com.vonage.client.messages.MessageRequest;
import com.vonage.client.messages.MessageResponse;
import com.vonage.client.messages.MessageResponseException;
import com.vonage.client.messages.MessagesClient;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Drives {@code POST /v1/messages} with the real Vonage SDK and checks what it sees. */
class SmsSendTest extends VonageIntegrationTest {

  @Test
  void acceptsAJwtSignedWithTheApplicationKeyAndRecordsTheMessage() throws Exception {
    String clientRef = UUID.randomUUID().toString();
    Instant before = Instant.now();

    MessageResponse response = jwtClient().sendMessage(sms(RECIPIENT, clientRef));

    UUID messageUuid = response.getMessageUuid();
    assertThat(messageUuid).isNotNull();
    JsonNode record = message(messageUuid.toString());
    assertThat(record.get("clientRef").asString()).isEqualTo(clientRef);
    assertThat(record.get("to").asString()).isEqualTo(RECIPIENT);
    assertThat(record.get("from").asString()).isEqualTo(SENDER);
    assertThat(record.get("text").asString()).startsWith("Hi Ann");
    assertThat(Instant.parse(record.get("receivedAt").asString())).isBetween(before, Instant.now());
    // Status webhooks are off, so no fate was drawn and nothing was posted.
    assertThat(record.get("fate").isNull()).isTrue();
    assertThat(record.get("statusesPosted").isEmpty()).isTrue();
    assertThat(stats().get("accepted").asLong()).isEqualTo(1);
  }

  @Test
  void acceptsBasicAuthWithTheApiKeyAndSecret() throws Exception {
    MessageResponse response =
        basicClient(API_KEY, API_SECRET).sendMessage(sms(RECIPIENT, "basic-1"));

    assertThat(message(response.getMessageUuid().toString()).get("clientRef").asString())
        .isEqualTo("basic-1");
  }

  @Test
  void refusesAJwtSignedByAnotherKeyWith401() throws Exception {
    MessagesClient impostor = jwtClient(APPLICATION_ID, rsaKeyPair());

    MessageResponseException e = refusal(impostor, sms(RECIPIENT, "forged"));

    assertUnauthorized(e);
    assertThat(stats().get("unauthorized").asLong()).isEqualTo(1);
    assertThat(stats().get("accepted").asLong()).isZero();
  }

  @Test
  void refusesAJwtForAnotherApplicationWith401() {
    MessagesClient otherApplication = jwtClient(UUID.randomUUID().toString(), APPLICATION_KEYS);

    assertUnauthorized(refusal(otherApplication, sms(RECIPIENT, "other-app")));
  }

  @Test
  void refusesWrongBasicCredentialsWith401() {
    assertUnauthorized(refusal(basicClient(API_KEY, "wrong-secret"), sms(RECIPIENT, "wrong")));
  }

  @Test
  void refusesANumberInAnUnassignedCountryCodeWith422() throws Exception {
    MessageResponseException e = refusal(jwtClient(), sms("999123456789", "unreachable"));

    assertThat(e.getStatusCode()).isEqualTo(422);
    assertThat(e.getTitle()).isEqualTo("Invalid params");
    assertThat(e.getDetail()).isEqualTo("The value of one or more parameters is invalid.");
    assertThat(e.getType())
        .isEqualTo(URI.create("https://developer.vonage.com/api-errors/messages#1150"));
    assertThat(UUID.fromString(e.getInstance())).isNotNull();
    assertThat(e.getInvalidParameters()).hasSize(1);
    assertThat(((Map<?, ?>) e.getInvalidParameters().get(0)).get("name")).isEqualTo("to");
    JsonNode stats = stats();
    assertThat(stats.get("invalid").asLong()).isEqualTo(1);
    assertThat(stats.get("accepted").asLong()).isZero();
  }

  @Test
  void serverErrorFaultSurfacesAsA500ResponseException() throws Exception {
    assertThat(put("/sandbox/vonage/faults", "{\"serverErrorRate\":1.0}").statusCode())
        .isEqualTo(200);

    MessageResponseException e = refusal(jwtClient(), sms(RECIPIENT, "fails"));

    assertThat(e.getStatusCode()).isEqualTo(500);
    assertThat(e.getTitle()).isEqualTo("Internal error");
    assertThat(stats().get("serverErrors").asLong()).isEqualTo(1);
    assertThat(get("/sandbox/vonage/messages").body()).isEqualTo("[]");
  }

  @Test
  void latencyBeyondTheClientTimeoutFailsTheCallYetTheMessageIsStillAccepted() throws Exception {
    assertThat(put("/sandbox/vonage/faults", "{\"latencyMs\":1000}").statusCode()).isEqualTo(200);
    MessagesClient impatient =
        client(VonageClient.builder().apiKey(API_KEY).apiSecret(API_SECRET), 300);

    VonageMethodFailedException e =
        catchThrowableOfType(
            VonageMethodFailedException.class,
            () -> impatient.sendMessage(sms(RECIPIENT, "too-slow")));

    assertThat(e).hasCauseInstanceOf(SocketTimeoutException.class);
    // The sandbox finishes the request the client abandoned, as Vonage would: after a timeout the
    // sender cannot know whether the message went out.
    await(() -> acceptedCount() == 1);
    assertThat(json(get("/sandbox/vonage/messages").body()).get(0).get("clientRef").asString())
        .isEqualTo("too-slow");
  }

  @Test
  void rejectedCredentialsFaultAnswersEveryRightCaller401UntilSwitchedOff() throws Exception {
    assertThat(put("/sandbox/vonage/faults", "{\"rejectCredentials\":true}").statusCode())
        .isEqualTo(200);
    assertThat(json(get("/sandbox/vonage/faults").body()).get("rejectCredentials").asBoolean())
        .isTrue();

    assertUnauthorized(refusal(jwtClient(), sms(RECIPIENT, "revoked-jwt")));
    assertUnauthorized(refusal(basicClient(API_KEY, API_SECRET), sms(RECIPIENT, "revoked-basic")));

    JsonNode stats = stats();
    assertThat(stats.get("unauthorized").asLong()).isEqualTo(2);
    assertThat(stats.get("accepted").asLong()).isZero();
    assertThat(get("/sandbox/vonage/messages").body()).isEqualTo("[]");
    assertThat(put("/sandbox/vonage/faults", "{\"rejectCredentials\":false}").statusCode())
        .isEqualTo(200);
    assertThat(jwtClient().sendMessage(sms(RECIPIENT, "recovered")).getMessageUuid()).isNotNull();
  }

  @Test
  void latencyDelaysTheAnswer() throws Exception {
    assertThat(put("/sandbox/vonage/faults", "{\"latencyMs\":300}").statusCode()).isEqualTo(200);

    long started = System.nanoTime();
    jwtClient().sendMessage(sms(RECIPIENT, "slow"));

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void statsCountEveryOutcomeAndStampTheFirstAndLastRequest() throws Exception {
    assertThat(stats().get("firstRequestAt").isNull()).isTrue();
    Instant before = Instant.now();
    MessagesClient client = jwtClient();
    client.sendMessage(sms(RECIPIENT, "ok-1"));
    client.sendMessage(sms(RECIPIENT, "ok-2"));
    refusal(client, sms("999123456789", "bad"));
    refusal(basicClient("nobody", "nothing"), sms(RECIPIENT, "who"));
    assertThat(postRaw("{not json").statusCode()).isEqualTo(400);

    JsonNode stats = stats();
    assertThat(stats.get("requests").asLong()).isEqualTo(5);
    assertThat(stats.get("accepted").asLong()).isEqualTo(2);
    assertThat(stats.get("invalid").asLong()).isEqualTo(2);
    assertThat(stats.get("unauthorized").asLong()).isEqualTo(1);
    assertThat(stats.get("throttled").asLong()).isZero();
    assertThat(stats.get("serverErrors").asLong()).isZero();
    assertThat(stats.get("maxRequestsInOneSecond").asInt()).isBetween(1, 5);
    Instant first = Instant.parse(stats.get("firstRequestAt").asString());
    Instant last = Instant.parse(stats.get("lastRequestAt").asString());
    assertThat(first).isBetween(before, last);
    assertThat(last).isBeforeOrEqualTo(Instant.now());
    assertThat(stats.get("statusesPosted").asLong()).isZero();
  }

  /** Found by a drill: telling an SMS sent twice took listing every message and grouping them. */
  @Test
  void aClientRefAcceptedMoreThanOnceIsOneDuplicateHoweverOftenItCame() throws Exception {
    MessagesClient client = jwtClient();
    for (String clientRef : List.of("m-1", "m-2", "m-2", "m-2", "m-3", "m-3")) {
      client.sendMessage(sms(RECIPIENT, clientRef));
    }

    JsonNode stats = stats();
    assertThat(stats.get("accepted").asLong()).isEqualTo(6);
    assertThat(stats.get("distinctMessages").asLong()).isEqualTo(3);
    assertThat(stats.get("duplicates").asLong()).isEqualTo(2);
  }

  @Test
  void listsMessagesNewestFirstAndClearingForgetsThemAndTheCounters() throws Exception {
    MessagesClient client = jwtClient();
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      uuids.add(client.sendMessage(sms(RECIPIENT, "list-" + i)).getMessageUuid().toString());
    }

    JsonNode newestTwo = json(get("/sandbox/vonage/messages?limit=2").body());
    assertThat(newestTwo).hasSize(2);
    assertThat(newestTwo.get(0).get("messageUuid").asString()).isEqualTo(uuids.get(2));
    assertThat(newestTwo.get(1).get("clientRef").asString()).isEqualTo("list-1");
    assertThat(json(get("/sandbox/vonage/messages").body())).hasSize(3);
    assertThat(get("/sandbox/vonage/messages?limit=0").statusCode()).isEqualTo(400);

    assertThat(delete("/sandbox/vonage/messages").statusCode()).isEqualTo(204);

    assertThat(get("/sandbox/vonage/messages/" + uuids.get(0)).statusCode()).isEqualTo(404);
    assertThat(json(get("/sandbox/vonage/messages").body())).isEmpty();
    JsonNode stats = stats();
    assertThat(stats.get("requests").asLong()).isZero();
    assertThat(stats.get("maxRequestsInOneSecond").asInt()).isZero();
    assertThat(stats.get("lastRequestAt").isNull()).isTrue();
  }

  private long acceptedCount() {
    try {
      return stats().get("accepted").asLong();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageResponseException refusal(MessagesClient client, MessageRequest request) {
    MessageResponseException e =
        catchThrowableOfType(MessageResponseException.class, () -> client.sendMessage(request));
    assertThat(e).as("the SDK should have thrown MessageResponseException").isNotNull();
    return e;
  }

  private static void assertUnauthorized(MessageResponseException e) {
    assertThat(e.getStatusCode()).isEqualTo(401);
    assertThat(e.getTitle()).isEqualTo("Unauthorized");
    assertThat(e.getDetail()).isEqualTo("You did not provide correct credentials.");
    assertThat(e.getType())
        .isEqualTo(URI.create("https://developer.vonage.com/api-errors#unauthorized"));
  }
}
