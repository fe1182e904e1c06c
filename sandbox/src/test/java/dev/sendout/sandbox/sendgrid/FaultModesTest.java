package dev.sendout.sandbox.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendgrid.Response;
import com.sendgrid.helpers.mail.Mail;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FaultModesTest extends SandboxIntegrationTest {

  @Test
  void forcedThrottlingAnswers429WithRateLimitHeadersThenRecovers() throws Exception {
    arm("{\"retryAfterSeconds\":30,\"failNextRequests\":{\"status\":429,\"count\":1}}");
    long now = Instant.now().getEpochSecond();

    Response throttled = send(oneMessage("msg-429"));

    assertThat(throttled.getStatusCode()).isEqualTo(429);
    assertThat(json(throttled.getBody()).get("errors").get(0).get("message").asString())
        .isEqualTo("too many requests");
    assertThat(header(throttled, "x-ratelimit-remaining")).isEqualTo("0");
    assertThat(header(throttled, "X-RateLimit-Limit")).isNotBlank();
    assertThat(Long.parseLong(header(throttled, "X-RateLimit-Reset")))
        .isBetween(now + 30, now + 32);
    assertThat(message("msg-429").statusCode()).isEqualTo(404);

    Response retried = send(oneMessage("msg-429"));

    assertThat(retried.getStatusCode()).isEqualTo(202);
    assertThat(json(message("msg-429").body()).get("sendCount").asLong()).isEqualTo(1);
    assertThat(stats().get("rejected429").asLong()).isEqualTo(1);
  }

  @Test
  void forcedServerErrorsRecordNothing() throws Exception {
    arm("{\"failNextRequests\":{\"status\":500,\"count\":2}}");

    assertThat(send(oneMessage("msg-500")).getStatusCode()).isEqualTo(500);
    assertThat(send(oneMessage("msg-500")).getStatusCode()).isEqualTo(500);

    assertThat(message("msg-500").statusCode()).isEqualTo(404);
    JsonNode stats = stats();
    assertThat(stats.get("rejected5xx").asLong()).isEqualTo(2);
    assertThat(stats.get("accepted").asLong()).isZero();
    assertThat(json(get("/sandbox/sendgrid/faults").body()).get("failNextRequests").isNull())
        .isTrue();
    assertThat(send(oneMessage("msg-500")).getStatusCode()).isEqualTo(202);
    assertThat(json(message("msg-500").body()).get("sendCount").asLong()).isEqualTo(1);
  }

  @Test
  void forcedServiceUnavailableIsCountedAsA5xx() throws Exception {
    arm("{\"failNextRequests\":{\"status\":503,\"count\":1}}");

    assertThat(send(oneMessage("msg-503")).getStatusCode()).isEqualTo(503);
    assertThat(stats().get("rejected5xx").asLong()).isEqualTo(1);
  }

  @Test
  void fullRatesThrottleOrFailEveryRequest() throws Exception {
    arm("{\"throttleRate\":1.0}");
    assertThat(send(oneMessage("msg-rate")).getStatusCode()).isEqualTo(429);

    arm("{\"throttleRate\":0.0,\"serverErrorRate\":1.0}");
    assertThat(send(oneMessage("msg-rate")).getStatusCode()).isEqualTo(500);

    arm("{\"serverErrorRate\":0.0}");
    assertThat(send(oneMessage("msg-rate")).getStatusCode()).isEqualTo(202);
    assertThat(json(message("msg-rate").body()).get("sendCount").asLong()).isEqualTo(1);
  }

  @Test
  void rejectedCredentialsAnswerARightKey401AsForARevokedOneUntilSwitchedOff() throws Exception {
    arm("{\"rejectCredentials\":true}");
    assertThat(json(get("/sandbox/sendgrid/faults").body()).get("rejectCredentials").asBoolean())
        .isTrue();

    Response refused = send(oneMessage("msg-revoked"));

    assertThat(refused.getStatusCode()).isEqualTo(401);
    assertThat(header(refused, "Content-Type")).startsWith("application/json");
    assertThat(json(refused.getBody()))
        .isEqualTo(
            json(
                """
                {"errors":[{"message":"The provided authorization grant is invalid, expired, or \
                revoked","field":null,"help":null}]}"""));
    assertThat(message("msg-revoked").statusCode()).isEqualTo(404);
    assertThat(stats().get("rejected4xx").asLong()).isEqualTo(1);

    arm("{\"rejectCredentials\":false}");
    assertThat(send(oneMessage("msg-revoked")).getStatusCode()).isEqualTo(202);
    assertThat(json(message("msg-revoked").body()).get("sendCount").asLong()).isEqualTo(1);
  }

  @Test
  void latencyDelaysTheAnswer() throws Exception {
    arm("{\"latencyMs\":300}");

    long started = System.nanoTime();
    Response response = send(oneMessage("msg-slow"));

    assertThat(response.getStatusCode()).isEqualTo(202);
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(300);
  }

  @Test
  void putKeepsFieldsItDoesNotMentionAndGetShowsThem() throws Exception {
    arm("{\"latencyMs\":5,\"retryAfterSeconds\":7}");
    arm("{\"failNextRequests\":{\"status\":503,\"count\":4}}");

    JsonNode faults = json(get("/sandbox/sendgrid/faults").body());

    assertThat(faults.get("latencyMs").asLong()).isEqualTo(5);
    assertThat(faults.get("retryAfterSeconds").asInt()).isEqualTo(7);
    assertThat(faults.get("throttleRate").asDouble()).isZero();
    assertThat(faults.get("failNextRequests").get("status").asInt()).isEqualTo(503);
    assertThat(faults.get("failNextRequests").get("count").asInt()).isEqualTo(4);
  }

  @Test
  void putRejectsImpossibleSettings() throws Exception {
    HttpResponse<String> response =
        put(
            "/sandbox/sendgrid/faults",
            "{\"throttleRate\":1.5,\"failNextRequests\":{\"status\":418,\"count\":1}}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("throttleRate").contains("failNextRequests.status");
    assertThat(json(get("/sandbox/sendgrid/faults").body()).get("throttleRate").asDouble())
        .isZero();
  }

  private void arm(String faults) throws Exception {
    assertThat(put("/sandbox/sendgrid/faults", faults).statusCode()).isEqualTo(200);
  }

  private static Mail oneMessage(String messageId) {
    Mail mail = mail();
    mail.addPersonalization(personalization(messageId, "ann@example.com", "Ann"));
    return mail;
  }
}
