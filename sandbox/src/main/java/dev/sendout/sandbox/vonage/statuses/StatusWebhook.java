package dev.sendout.sandbox.vonage.statuses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.sendout.sandbox.vonage.AcceptedSms;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The body of one status webhook, shaped as the Messages API posts it for SMS. Fields that do not
 * apply, such as {@code error} on a delivery, are left out rather than sent as null.
 *
 * @param messageUuid the {@code message_uuid} of the accepted request
 * @param to the recipient number
 * @param from the sender id
 * @param timestamp when the status happened, in UTC with milliseconds
 * @param status the status name
 * @param clientRef the caller's {@code client_ref}, when it sent one
 * @param channel always {@code sms}
 * @param usage what the message cost; absent on a rejection, which Vonage does not charge
 * @param error why the message failed, on {@code rejected} and {@code undeliverable} only
 */
@JsonPropertyOrder({
  "message_uuid",
  "to",
  "from",
  "timestamp",
  "status",
  "client_ref",
  "channel",
  "usage",
  "error"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
record StatusWebhook(
    @JsonProperty("message_uuid") String messageUuid,
    String to,
    String from,
    String timestamp,
    String status,
    @JsonProperty("client_ref") String clientRef,
    String channel,
    Usage usage,
    StatusError error) {

  /** Vonage always writes three fractional digits and a Z, which Instant.toString does not. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final Usage USAGE = new Usage("EUR", "0.0333");
  private static final String ERRORS = "https://developer.vonage.com/api-errors/messages#";

  /**
   * @param currency ISO 4217 code
   * @param price the price as a decimal string, as Vonage sends it
   */
  record Usage(String currency, String price) {}

  /**
   * @param type the error type URL, ending in the code
   * @param title the numeric error code; a number on the wire, unlike in API error answers
   * @param detail what happened
   */
  record StatusError(String type, int title, String detail) {}

  static StatusWebhook of(AcceptedSms sms, StatusType type, Instant happenedAt) {
    return new StatusWebhook(
        sms.messageUuid(),
        sms.to(),
        sms.from(),
        TIMESTAMP.format(happenedAt),
        type.wireName(),
        sms.clientRef(),
        "sms",
        type == StatusType.REJECTED ? null : USAGE,
        error(type));
  }

  private static StatusError error(StatusType type) {
    return switch (type) {
      case REJECTED ->
          new StatusError(
              ERRORS + 1050,
              1050,
              "Number barred - the number is blocked from receiving messages (sandbox)");
      case UNDELIVERABLE ->
          new StatusError(
              ERRORS + 1320, 1320, "Message failed because the number is unreachable (sandbox)");
      case SUBMITTED, DELIVERED -> null;
    };
  }
}
