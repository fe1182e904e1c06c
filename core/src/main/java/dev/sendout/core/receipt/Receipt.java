package dev.sendout.core.receipt;

import dev.sendout.core.suppression.SuppressionReason;
import dev.sendout.workflows.message.MessageStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * One verified provider event, as parsed from a webhook, before it is stored.
 *
 * @param eventId the provider's id of the event, unique per provider: the deduplication key
 * @param messageId our message id as the provider echoed it, or null when the event lacks it
 * @param providerMessageId the provider's id of the message, used when {@code messageId} is missing
 * @param address the recipient, used with {@code providerMessageId}
 * @param effect what the event does to the message
 * @param reason the provider's words on a bounce, drop, failure or deferral; null otherwise
 * @param payload the event as the provider sent it, as JSON
 * @param suppresses why the event puts its recipient on the tenant's suppression list (a hard
 *     bounce, a spam report, an unsubscribe); null when it does not
 */
public record Receipt(
    String provider,
    String eventId,
    String eventType,
    UUID messageId,
    String providerMessageId,
    String address,
    Instant occurredAt,
    Effect effect,
    String reason,
    String payload,
    SuppressionReason suppresses) {

  /**
   * The event id as Postgres stores it: a lone surrogate (which UTF-8 cannot encode, and the driver
   * sends as {@code ?}) or a NUL (which no text column holds) becomes U+FFFD. The store finds what
   * it inserted by this id: one stored otherwise than it was asked for was never applied, and its
   * webhook answered 200, so the message waited for a receipt that had come.
   */
  public Receipt {
    eventId = ReceiptPayloads.storableText(eventId);
  }

  /** What a receipt does to its message. */
  public enum Effect {
    /** Moves the message to DELIVERED. */
    DELIVERED(MessageStatus.DELIVERED),
    /** Moves the message to BOUNCED. */
    BOUNCED(MessageStatus.BOUNCED),
    /** Moves the message to DROPPED. */
    DROPPED(MessageStatus.DROPPED),
    /** Moves the message to FAILED (Vonage: rejected or undeliverable). */
    FAILED(MessageStatus.FAILED),
    /** The provider failed for now and keeps trying: the message stays ACCEPTED. */
    DEFERRED(null),
    /** Kept for the record only (SendGrid processed, open, click...; Vonage submitted, read). */
    NONE(null);

    private final MessageStatus target;

    Effect(MessageStatus target) {
      this.target = target;
    }

    /** The status this receipt settles its message in, or null when it settles nothing. */
    public MessageStatus target() {
      return target;
    }
  }
}
