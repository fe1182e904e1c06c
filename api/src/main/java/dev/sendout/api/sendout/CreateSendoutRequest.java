package dev.sendout.api.sendout;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /v1/sendouts}. Fields are read as plain strings and checked by {@link
 * SendoutRequestValidator}, so that every mistake is reported with its field, not as a parse error.
 */
public record CreateSendoutRequest(
    @Schema(example = "EMAIL", allowableValues = "EMAIL") String channel,
    Sender from,
    @Schema(example = "{{firstName}}, how was your visit?") String subject,
    @Schema(example = "Hello {{firstName}}, tell us: {{surveyUrl}}") String text,
    String html,
    List<Recipient> recipients,
    @Schema(
            description = "RFC 3339 date-time; omitted or past means now",
            example = "2026-12-01T09:00:00Z")
        String sendAt,
    @Schema(
            description =
                "ISO 8601 duration, PT1M to P30D: how long an accepted message may wait for the"
                    + " provider's delivery receipt before it is flagged UNCONFIRMED. Default PT24H"
                    + " for email.",
            example = "PT24H")
        String receiptTimeout) {

  public record Sender(
      @Schema(example = "surveys@example.com") String email,
      @Schema(example = "Example Surveys") String name) {}

  public record Recipient(
      @Schema(example = "ann@example.com") String email,
      @Schema(example = "Ann Example") String name,
      @Schema(example = "{\"firstName\":\"Ann\",\"surveyUrl\":\"https://s.example.com/x1\"}")
          Map<String, String> variables) {}
}
