package dev.sendout.activities.sms;

import com.vonage.client.VonageResponseParseException;
import com.vonage.client.messages.MessageStatus;
import dev.sendout.activities.receipt.Receipt;
import dev.sendout.activities.receipt.Receipt.Effect;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Reads a Vonage Messages API status webhook body (one status per call) into a receipt, with the
 * SDK's own {@link MessageStatus} model.
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

  public static Receipt parse(byte[] body) {
    String json = new String(body, StandardCharsets.UTF_8);
    MessageStatus status;
    try {
      status = MessageStatus.fromJson(json);
    } catch (VonageResponseParseException | IllegalArgumentException e) {
      throw new MalformedStatusException("The body is not a Vonage message status");
    }
    if (status == null || status.getMessageUuid() == null || status.getStatus() == null) {
      throw new MalformedStatusException("A status needs a message_uuid and a known status");
    }
    String type = status.getStatus().toString();
    String uuid = status.getMessageUuid().toString();
    return new Receipt(
        PROVIDER,
        uuid + " " + type + " " + status.getTimestamp(),
        type,
        messageId(status.getClientRef()),
        uuid,
        status.getTo() == null ? null : "+" + status.getTo(),
        status.getTimestamp(),
        effect(status.getStatus()),
        reason(status),
        json);
  }

  private static Effect effect(MessageStatus.Status status) {
    return switch (status) {
      case DELIVERED -> Effect.DELIVERED;
      case REJECTED, UNDELIVERABLE -> Effect.FAILED;
      // submitted is Vonage's acceptance by the carrier, not delivery: the message stays ACCEPTED.
      case SUBMITTED, READ -> Effect.NONE;
    };
  }

  private static String reason(MessageStatus status) {
    MessageStatus.Error error = status.getError();
    if (error == null) {
      return null;
    }
    StringBuilder reason = new StringBuilder(status.getStatus().toString()).append(':');
    if (error.getTitle() != null) {
      reason.append(' ').append(error.getTitle());
    }
    if (error.getDetail() != null) {
      reason.append(' ').append(error.getDetail());
    }
    return reason.length() > MAX_REASON_LENGTH
        ? reason.substring(0, MAX_REASON_LENGTH)
        : reason.toString();
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
