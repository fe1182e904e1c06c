package dev.sendout.core.channel.sms;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sendout.core.receipt.Receipt;
import dev.sendout.core.receipt.Receipt.Effect;
import dev.sendout.core.receipt.ReceiptPayloads;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Reads a Vonage Messages API status webhook body (one status per call) into a receipt. It reads
 * the JSON itself rather than with the Vonage SDK's model, so that the api, which verifies and
 * stores statuses, needs no provider sending SDK on its classpath.
 *
 * <p>Our message id comes back as {@code client_ref}. Vonage statuses carry no event id, so the
 * deduplication key is the message, the status and its timestamp: a redelivered status repeats all
 * three, while the same status reported again later would be a new event.
 */
public final class VonageStatuses {

  public static final String PROVIDER = "VONAGE";

  private static final int MAX_REASON_LENGTH = 500;

  private VonageStatuses() {}

  /** The body is not a Vonage message status. */
  public static final class MalformedStatusException extends IllegalArgumentException {
    MalformedStatusException(String message) {
      super(message);
    }
  }

  /** The statuses of the Messages API, as Vonage spells them. */
  enum Status {
    SUBMITTED,
    DELIVERED,
    REJECTED,
    UNDELIVERABLE,
    READ;

    static Status of(String value) {
      try {
        return value == null ? null : valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Text after the status is refused: it is no JSON document, and jsonb would refuse it. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public static Receipt parse(byte[] body) {
    String json = VonageBodies.text(body);
    JsonNode status;
    try {
      status = JSON.readTree(json);
      if (status != null) {
        status = ReceiptPayloads.storable(status, json);
      }
    } catch (IOException e) {
      throw new MalformedStatusException("The body is not a Vonage message status");
    }
    if (status == null || !status.isObject()) {
      throw new MalformedStatusException("The body is not a Vonage message status");
    }
    Status type = Status.of(text(status, "status"));
    UUID uuid = uuid(text(status, "message_uuid"));
    if (uuid == null || type == null) {
      throw new MalformedStatusException("A status needs a message_uuid and a known status");
    }
    Instant timestamp = timestamp(text(status, "timestamp"));
    String to = text(status, "to");
    return new Receipt(
        PROVIDER,
        uuid + " " + type + " " + timestamp,
        type.toString(),
        messageId(text(status, "client_ref")),
        uuid.toString(),
        to == null ? null : "+" + to,
        timestamp,
        effect(type),
        reason(type, status.get("error")),
        ReceiptPayloads.payload(json, status),
        null);
  }

  private static Effect effect(Status status) {
    return switch (status) {
      case DELIVERED -> Effect.DELIVERED;
      case REJECTED, UNDELIVERABLE -> Effect.FAILED;
      // submitted is Vonage's acceptance by the carrier, not delivery: the message stays ACCEPTED.
      case SUBMITTED, READ -> Effect.NONE;
    };
  }

  private static String reason(Status status, JsonNode error) {
    if (error == null || !error.isObject()) {
      return null;
    }
    StringBuilder reason = new StringBuilder(status.toString()).append(':');
    String title = text(error, "title");
    String detail = text(error, "detail");
    if (title != null) {
      reason.append(' ').append(title);
    }
    if (detail != null) {
      reason.append(' ').append(detail);
    }
    return reason.length() > MAX_REASON_LENGTH
        ? reason.substring(0, MAX_REASON_LENGTH)
        : reason.toString();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static UUID uuid(String value) {
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new MalformedStatusException("The message_uuid is not a UUID");
    }
  }

  /** The status's time, where Postgres can store it; null otherwise. */
  private static Instant timestamp(String value) {
    try {
      return value == null ? null : ReceiptPayloads.storable(Instant.parse(value));
    } catch (DateTimeException e) {
      throw new MalformedStatusException("The timestamp is not an ISO-8601 instant");
    }
  }

  /** Our message id, or null when the client_ref is missing or not one of ours. */
  private static UUID messageId(String clientRef) {
    if (clientRef == null) {
      return null;
    }
    try {
      return UUID.fromString(clientRef);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
