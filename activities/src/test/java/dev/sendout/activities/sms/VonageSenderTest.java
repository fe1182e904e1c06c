package dev.sendout.activities.sms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.channel.sms.SmsSegments;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.delivery.ProviderError;
import dev.sendout.core.delivery.SendOutcome;
import dev.sendout.core.delivery.SendOutcome.Kind;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the Vonage adapter reports to the provider error counter, against a WireMock Vonage. */
class VonageSenderTest {

  private static final SmsContent CONTENT =
      new SmsContent("Surveys", "Tell us: {{url}}", SmsSegments.Encoding.GSM_7, 1, 1);

  /** Generous, so that a slow first answer on a busy machine is not taken for no answer. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  private static WireMockServer vonage;
  private VonageSender sender;

  @BeforeAll
  static void startVonage() {
    vonage = new WireMockServer(options().dynamicPort());
    vonage.start();
  }

  @AfterAll
  static void stopVonage() {
    vonage.stop();
  }

  @BeforeEach
  void reset() {
    vonage.resetAll();
    sender = senderFor("http://127.0.0.1:" + vonage.port());
  }

  private static VonageSender senderFor(String baseUrl) {
    return new VonageSender(
        new VonageProperties(
            URI.create(baseUrl),
            null,
            null,
            "test-key",
            "test-secret",
            Duration.ofSeconds(1),
            READ_TIMEOUT,
            4,
            30));
  }

  private static OutgoingMessage to(String number) {
    return new OutgoingMessage(UUID.randomUUID(), number, null, Map.of("url", "https://s/1"));
  }

  private void answer(int status, String body) {
    vonage.stubFor(
        post("/v1/messages")
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));
  }

  @Test
  void acceptedSmsIsNoError() {
    answer(202, "{\"message_uuid\":\"" + UUID.randomUUID() + "\"}");

    SendOutcome outcome = sender.send(CONTENT, to("+447911123410"));

    assertThat(outcome.kind()).isEqualTo(Kind.ACCEPTED);
    assertThat(outcome.error()).isNull();
  }

  @Test
  void errorAnswerIsCountedByItsHttpStatus() {
    answer(422, "{\"title\":\"Invalid params\"}");

    SendOutcome outcome = sender.send(CONTENT, to("+447911123410"));

    assertThat(outcome.kind()).isEqualTo(Kind.REJECTED);
    assertThat(outcome.error()).isEqualTo(new ProviderError("vonage", "422"));
  }

  @Test
  void throttlingIsCountedAs429() {
    answer(429, "{\"title\":\"Rate Limit Hit\"}");

    assertThat(sender.send(CONTENT, to("+447911123410")).error())
        .isEqualTo(new ProviderError("vonage", "429"));
  }

  @Test
  void noAnswerWithinTheReadTimeoutIsCountedAsTimeout() {
    vonage.stubFor(
        post("/v1/messages")
            .willReturn(
                aResponse()
                    .withStatus(202)
                    .withFixedDelay((int) READ_TIMEOUT.multipliedBy(2).toMillis())
                    .withBody("{\"message_uuid\":\"" + UUID.randomUUID() + "\"}")));

    SendOutcome outcome = sender.send(CONTENT, to("+447911123410"));

    assertThat(outcome.kind()).isEqualTo(Kind.IN_DOUBT);
    assertThat(outcome.error()).isEqualTo(new ProviderError("vonage", "timeout"));
  }

  @Test
  void refusedConnectionIsCountedAsIo() throws Exception {
    int closedPort;
    try (var socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    SendOutcome outcome =
        senderFor("http://127.0.0.1:" + closedPort).send(CONTENT, to("+447911123410"));

    assertThat(outcome.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(outcome.error()).isEqualTo(new ProviderError("vonage", "io"));
  }

  @Test
  void numberTheSdkRefusesBeforeSendingIsNoProviderError() {
    SendOutcome outcome = sender.send(CONTENT, to("not a number"));

    assertThat(outcome.kind()).isEqualTo(Kind.REJECTED);
    assertThat(outcome.reason()).startsWith("Not sendable");
    assertThat(outcome.error()).isNull();
  }
}
