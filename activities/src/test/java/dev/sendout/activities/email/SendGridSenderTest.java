package dev.sendout.activities.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.delivery.ProviderError;
import dev.sendout.core.delivery.SendOutcome;
import dev.sendout.core.delivery.SendOutcome.Kind;
import dev.sendout.core.unsubscribe.UnsubscribeProperties;
import dev.sendout.core.unsubscribe.UnsubscribeTokens;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SendGrid adapter against a WireMock SendGrid: the wire format and each kind of answer. */
class SendGridSenderTest {

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final EmailContent CONTENT =
      new EmailContent(
          "surveys@example.com",
          "Surveys",
          "Hi {{firstName}}",
          "Go: {{surveyUrl}}",
          "<p>{{firstName}}</p>");

  private static final UnsubscribeTokens TOKENS =
      new UnsubscribeTokens("a-test-secret-of-at-least-32-characters");

  private static WireMockServer sendGrid;
  private SendGridSender sender;

  @BeforeAll
  static void startSendGrid() {
    sendGrid = new WireMockServer(options().dynamicPort());
    sendGrid.start();
  }

  @AfterAll
  static void stopSendGrid() {
    sendGrid.stop();
  }

  @BeforeEach
  void reset() {
    sendGrid.resetAll();
    sender = senderFor("http://127.0.0.1:" + sendGrid.port());
  }

  private static SendGridSender senderFor(String baseUrl) {
    return senderFor(baseUrl, Duration.ofSeconds(1), Duration.ofMillis(500), 4);
  }

  private static SendGridSender senderFor(
      String baseUrl, Duration connectTimeout, Duration readTimeout, int connections) {
    return new SendGridSender(
        new SendGridProperties(
            URI.create(baseUrl), "SG.test-key", connectTimeout, readTimeout, connections),
        new UnsubscribeLinks(
            new UnsubscribeProperties(
                URI.create("https://sendout.example.com/"), null, "leave@example.com"),
            TOKENS),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static List<OutgoingMessage> messages(int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(
            i ->
                new OutgoingMessage(
                    UUID.randomUUID(),
                    "u" + i + "@example.com",
                    "U " + i,
                    Map.of("firstName", "F" + i, "surveyUrl", "https://s/" + i)))
        .toList();
  }

  private void answer(int status, Map<String, String> headers, String body) {
    var response = aResponse().withStatus(status).withBody(body);
    headers.forEach(response::withHeader);
    sendGrid.stubFor(post("/v3/mail/send").willReturn(response));
  }

  @Test
  void oneRequestCarriesEveryMessageWithItsIdAndSubstitutions() throws Exception {
    answer(202, Map.of("x-message-id", "sg-abc"), "");
    var batch = messages(3);

    SendOutcome outcome = sender.send(CONTENT, batch);

    assertThat(outcome.kind()).isEqualTo(Kind.ACCEPTED);
    assertThat(outcome.error()).isNull();
    assertThat(outcome.providerMessageId())
        .as("header found whatever its case")
        .isEqualTo("sg-abc");
    sendGrid.verify(
        1,
        postRequestedFor(urlEqualTo("/v3/mail/send"))
            .withHeader("Authorization", equalTo("Bearer SG.test-key")));
    JsonNode body =
        new ObjectMapper()
            .readTree(sendGrid.getAllServeEvents().get(0).getRequest().getBodyAsString());
    assertThat(body.path("from").path("email").asText()).isEqualTo("surveys@example.com");
    assertThat(body.path("content").get(0).path("type").asText()).isEqualTo("text/plain");
    assertThat(body.path("personalizations")).hasSize(3);
    JsonNode second = body.path("personalizations").get(1);
    assertThat(second.path("to").get(0).path("email").asText()).isEqualTo("u1@example.com");
    assertThat(second.path("custom_args").path("message_id").asText())
        .isEqualTo(batch.get(1).id().toString());
    String key = tagKey(body.path("subject").asText());
    assertThat(second.path("substitutions").path("{{firstName|" + key + "}}").asText())
        .isEqualTo("F1");
    assertThat(second.path("substitutions").path("{{surveyUrl|" + key + "}}").asText())
        .isEqualTo("https://s/1");
  }

  /**
   * Found by a sweep of what goes out: a name with a comma or a semicolon went to SendGrid as
   * written, which drops such a message as "Invalid", reading part of the name as the address.
   */
  @Test
  void aRecipientsNameWithACommaOrASemicolonGoesQuotedAndOthersAsTheyAre() throws Exception {
    answer(202, Map.of(), "");
    var names = List.of("Doe, Jane", "Al \"Bo\"; Co\\", "O'Brien Ünal");
    var batch =
        names.stream()
            .map(
                n ->
                    new OutgoingMessage(
                        UUID.randomUUID(),
                        "n@example.com",
                        n,
                        Map.of("firstName", "F", "surveyUrl", "https://s/")))
            .toList();

    sender.send(CONTENT, batch);

    JsonNode body =
        new ObjectMapper()
            .readTree(sendGrid.getAllServeEvents().get(0).getRequest().getBodyAsString());
    assertThat(body.path("personalizations").findValuesAsText("name"))
        .containsExactly("\"Doe, Jane\"", "\"Al \\\"Bo\\\"; Co\\\\\"", "O'Brien Ünal");
  }

  @Test
  void everyRecipientGetsOneClickUnsubscribeHeadersNamingItsOwnMessage() throws Exception {
    answer(202, Map.of(), "");
    var batch = messages(2);

    sender.send(CONTENT, batch);

    JsonNode body =
        new ObjectMapper()
            .readTree(sendGrid.getAllServeEvents().get(0).getRequest().getBodyAsString());
    for (int i = 0; i < 2; i++) {
      JsonNode headers = body.path("personalizations").get(i).path("headers");
      String list = headers.path("List-Unsubscribe").asText();
      assertThat(list)
          .matches(
              "<https://sendout\\.example\\.com/u/[A-Za-z0-9_-]{44}>,"
                  + " <mailto:leave@example\\.com\\?subject=unsubscribe>")
          .doesNotContain("u" + i + "@example.com");
      String token = list.substring(list.indexOf("/u/") + 3, list.indexOf('>'));
      assertThat(TOKENS.verify(token)).contains(batch.get(i).id());
      assertThat(headers.path("List-Unsubscribe-Post").asText())
          .isEqualTo("List-Unsubscribe=One-Click");
    }
  }

  @Test
  void variablesAreHtmlEscapedInTheHtmlPartOnly() throws Exception {
    answer(202, Map.of(), "");
    var content =
        new EmailContent(
            "surveys@example.com",
            "Surveys",
            "Hi {{ firstName }}",
            "Hi {{firstName}}",
            "<p>{{firstName}} {{{firstName}}}</p>");
    var message =
        new OutgoingMessage(
            UUID.randomUUID(), "u@example.com", null, Map.of("firstName", "<i>Ann</i>"));

    sender.send(content, List.of(message));

    JsonNode body =
        new ObjectMapper()
            .readTree(sendGrid.getAllServeEvents().get(0).getRequest().getBodyAsString());
    String key = tagKey(body.path("subject").asText());
    assertThat(body.path("subject").asText()).isEqualTo("Hi {{firstName|" + key + "}}");
    assertThat(body.path("content").get(1).path("value").asText())
        .isEqualTo("<p>{{firstName|html|" + key + "}} {{firstName|" + key + "}}</p>");
    JsonNode substitutions = body.path("personalizations").get(0).path("substitutions");
    assertThat(substitutions.path("{{firstName|" + key + "}}").asText()).isEqualTo("<i>Ann</i>");
    assertThat(substitutions.path("{{firstName|html|" + key + "}}").asText())
        .isEqualTo("&lt;i&gt;Ann&lt;/i&gt;");
  }

  /** A sendout stored with an empty text beside its html (refused at create since). */
  @Test
  void anEmptyPartGoesNotAtAll() throws Exception {
    answer(202, Map.of(), "");
    var content = new EmailContent("surveys@example.com", "Surveys", "Hi", "", "<p>Hello</p>");

    sender.send(
        content, List.of(new OutgoingMessage(UUID.randomUUID(), "u@example.com", null, Map.of())));

    JsonNode body =
        new ObjectMapper()
            .readTree(sendGrid.getAllServeEvents().get(0).getRequest().getBodyAsString());
    assertThat(body.path("content")).hasSize(1);
    assertThat(body.path("content").get(0).path("type").asText()).isEqualTo("text/html");
  }

  /** The random key that ends every substitution tag of a request, read from its first tag. */
  private static String tagKey(String part) {
    Matcher tag = Pattern.compile("\\{\\{\\w+\\|([A-Za-z0-9_-]{11})}}").matcher(part);
    assertThat(tag.find()).as("a tag in %s", part).isTrue();
    return tag.group(1);
  }

  @Test
  void throttlingWaitsUntilSendGridsRateLimitResets() {
    answer(
        429,
        Map.of("X-RateLimit-Reset", String.valueOf(NOW.getEpochSecond() + 7)),
        "{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}");

    SendOutcome outcome = sender.send(CONTENT, messages(1));

    assertThat(outcome.kind()).isEqualTo(Kind.THROTTLED);
    assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(outcome.reason()).contains("429").contains("too many requests");
    assertThat(outcome.error()).isEqualTo(new ProviderError("sendgrid", "429"));
  }

  @Test
  void serverErrorMeansNothingWasTakenSoTheCallMayBeRetried() {
    answer(503, Map.of(), "unavailable");

    SendOutcome outcome = sender.send(CONTENT, messages(1));

    assertThat(outcome.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(outcome.error()).isEqualTo(new ProviderError("sendgrid", "503"));
  }

  @Test
  void wrongApiKeyIsOurMisconfigurationNotTheRecipientsFault() {
    answer(
        401,
        Map.of(),
        "{\"errors\":[{\"message\":\"The provided authorization grant is invalid\"}]}");

    SendOutcome outcome = sender.send(CONTENT, messages(1));

    assertThat(outcome.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(outcome.error()).isEqualTo(new ProviderError("sendgrid", "401"));
  }

  @Test
  void permanentRefusalCarriesSendGridsReasonAndField() {
    answer(
        400,
        Map.of(),
        "{\"errors\":[{\"message\":\"Does not contain a valid address.\",\"field\":\"personalizations.0.to.0.email\"}]}");

    SendOutcome outcome = sender.send(CONTENT, messages(1));

    assertThat(outcome.kind()).isEqualTo(Kind.REJECTED);
    assertThat(outcome.reason())
        .isEqualTo(
            "SendGrid 400: Does not contain a valid address. (personalizations.0.to.0.email)");
    assertThat(outcome.error()).isEqualTo(new ProviderError("sendgrid", "400"));
  }

  @Test
  void noAnswerWithinTheReadTimeoutLeavesTheOutcomeInDoubt() {
    sendGrid.stubFor(
        post("/v3/mail/send").willReturn(aResponse().withStatus(202).withFixedDelay(2_000)));

    SendOutcome outcome = sender.send(CONTENT, messages(1));

    assertThat(outcome.kind()).isEqualTo(Kind.IN_DOUBT);
    assertThat(outcome.error()).isEqualTo(new ProviderError("sendgrid", "timeout"));
    sendGrid.verify(1, postRequestedFor(urlEqualTo("/v3/mail/send")));
  }

  @Test
  void refusedConnectionMeansNothingWasSent() throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    SendOutcome outcome = senderFor("http://127.0.0.1:" + closedPort).send(CONTENT, messages(1));

    assertThat(outcome.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(outcome.error()).isEqualTo(new ProviderError("sendgrid", "io"));
  }

  /**
   * Found by a crash drill: calls that found every pooled connection busy (the provider slow to
   * answer the others) were logged as "SendGrid unreachable". Nothing was sent, and it says why.
   */
  @Test
  void noFreeConnectionInThePoolMeansNothingWasSentAndSaysSo() throws Exception {
    sendGrid.stubFor(
        post("/v3/mail/send").willReturn(aResponse().withStatus(202).withFixedDelay(1_500)));
    var oneConnection =
        senderFor(
            "http://127.0.0.1:" + sendGrid.port(),
            Duration.ofMillis(200),
            Duration.ofSeconds(5),
            1);
    var first =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> oneConnection.send(CONTENT, messages(1)));
    // The first call holds the only connection once SendGrid has its request.
    for (int i = 0; i < 100 && sendGrid.getAllServeEvents().isEmpty(); i++) {
      Thread.sleep(50);
    }
    assertThat(sendGrid.getAllServeEvents()).as("the first call's request").hasSize(1);

    SendOutcome second = oneConnection.send(CONTENT, messages(1));

    assertThat(second.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(second.reason()).startsWith("No free connection to SendGrid in time");
    assertThat(first.get().kind()).isEqualTo(Kind.ACCEPTED);
    sendGrid.verify(1, postRequestedFor(urlEqualTo("/v3/mail/send")));
  }
}
