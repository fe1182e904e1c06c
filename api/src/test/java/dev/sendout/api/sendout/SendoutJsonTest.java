package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.CreateSendoutRequest.Sender;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.channel.sms.SmsSegments.Encoding;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.core.watchdog.StuckSendouts.Attention;
import dev.sendout.core.watchdog.StuckSendouts.OpenFinding;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.StuckReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The JSON the API writes, with the Jackson the API uses. */
class SendoutJsonTest {

  private final ObjectMapper json = JsonMapper.builder().build();

  private static StoredSendout stored(Channel channel) {
    Instant now = Instant.parse("2026-11-29T12:00:00Z");
    return new StoredSendout(
        UUID.randomUUID(),
        "default",
        channel,
        SendoutStatus.SCHEDULED,
        300,
        now,
        Duration.ofHours(72),
        now,
        null,
        null,
        null,
        null,
        "hash",
        null,
        null,
        0,
        null,
        null,
        0,
        false,
        0);
  }

  @Test
  void anSmsSendoutShowsItsSenderEncodingAndWhatItCosts() {
    var sms =
        SendoutView.Sms.of(new SmsContent("SurveyCo", "Hi {{firstName}}", Encoding.GSM_7, 1, 300));

    JsonNode view =
        json.valueToTree(
            SendoutView.of(stored(Channel.SMS), sms, Map.of(), null, null, Attention.NONE, 0));

    assertThat(view.path("sms").toString())
        .isEqualTo(
            "{\"senderId\":\"SurveyCo\",\"encoding\":\"GSM-7\",\"segments\":1,\"totalSegments\":300}");
    assertThat(view.path("receiptTimeout").asString()).isEqualTo("PT72H");
  }

  @Test
  void anEmailSendoutHasNoSmsField() {
    JsonNode view =
        json.valueToTree(
            SendoutView.of(
                stored(Channel.EMAIL),
                null,
                Map.of(MessageStatus.QUEUED, 300),
                null,
                null,
                Attention.NONE,
                0));

    assertThat(view.has("sms")).isFalse();
    assertThat(view.has("stuck")).as("other empty fields stay as they were").isTrue();
  }

  @Test
  void aSendoutShowsWhetherItIsPausedAndCancelledAndItsOpenFindings() {
    Instant at = Instant.parse("2026-11-29T13:00:00Z");
    var finding =
        new OpenFinding(
            StuckReason.NOT_RELEASED, "3 messages still QUEUED", 3, at, at, at, null, null, null);

    JsonNode running =
        json.valueToTree(
            SendoutView.of(stored(Channel.EMAIL), null, Map.of(), null, null, Attention.NONE, 0));
    JsonNode held =
        json.valueToTree(
            SendoutView.of(
                stored(Channel.EMAIL),
                null,
                Map.of(),
                null,
                null,
                new Attention(at, at, List.of(finding)),
                0));

    assertThat(running.path("paused").asBoolean()).isFalse();
    assertThat(running.has("cancelledAt")).as("absent unless cancelled").isFalse();
    assertThat(running.path("findings").isArray()).isTrue();
    assertThat(running.path("findings").size()).isZero();
    assertThat(held.path("paused").asBoolean()).isTrue();
    assertThat(held.path("cancelledAt").asString()).isEqualTo("2026-11-29T13:00:00Z");
    assertThat(held.path("findings").get(0).path("reason").asString()).isEqualTo("NOT_RELEASED");
    assertThat(held.path("findings").get(0).path("messageCount").asInt()).isEqualTo(3);
  }

  /** The request as it was before SMS, whose JSON fingerprints stored requests. */
  record EmailOnlyRequest(
      String channel,
      EmailOnlySender from,
      String subject,
      String text,
      String html,
      List<EmailOnlyRecipient> recipients,
      String sendAt,
      String receiptTimeout) {}

  record EmailOnlySender(String email, String name) {}

  record EmailOnlyRecipient(String email, String name, Map<String, String> variables) {}

  @Test
  void anEmailRequestFingerprintsAsBeforeSoARetriedIdempotencyKeyStillMatches() {
    Map<String, String> variables = Map.of("firstName", "Ann");
    var now =
        new CreateSendoutRequest(
            "EMAIL",
            new Sender("surveys@example.com", "Surveys", null),
            "Hi {{firstName}}",
            "Text",
            null,
            List.of(new Recipient("ann@example.com", null, null, variables)),
            null,
            "PT2H");
    var before =
        new EmailOnlyRequest(
            "EMAIL",
            new EmailOnlySender("surveys@example.com", "Surveys"),
            "Hi {{firstName}}",
            "Text",
            null,
            List.of(new EmailOnlyRecipient("ann@example.com", null, variables)),
            null,
            "PT2H");

    assertThat(json.writeValueAsString(now)).isEqualTo(json.writeValueAsString(before));
  }
}
