package dev.sendout.core.sendout;

import dev.sendout.core.response.ThankYou;
import dev.sendout.core.window.DeliveryWindow;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A sendout about to be stored, with its recipients.
 *
 * @param content the channel's content (for email: {@link
 *     dev.sendout.core.channel.email.EmailContent})
 * @param idempotencyKey the caller's Idempotency-Key, or null
 * @param requestHash fingerprint of the request, so a key reused for another request is caught
 * @param receiptTimeout how long accepted messages may wait for a receipt
 * @param window when its messages may be released, in each recipient's zone; null for any time
 * @param timeZone the sendout's IANA zone, the last fallback for its recipients'; null for none
 * @param thankYou what each recipient who responds before {@code closesAt} is sent; null for none
 */
public record NewSendout(
    UUID id,
    String tenantId,
    Channel channel,
    Object content,
    Instant sendAt,
    Duration receiptTimeout,
    String idempotencyKey,
    String requestHash,
    List<Recipient> recipients,
    DeliveryWindow window,
    String timeZone,
    List<dev.sendout.core.reminder.Reminder> reminders,
    Instant closesAt,
    ThankYou thankYou) {

  /** A sendout without reminders, a closing date or a thank-you. */
  public NewSendout(
      UUID id,
      String tenantId,
      Channel channel,
      Object content,
      Instant sendAt,
      Duration receiptTimeout,
      String idempotencyKey,
      String requestHash,
      List<Recipient> recipients,
      DeliveryWindow window,
      String timeZone) {
    this(
        id,
        tenantId,
        channel,
        content,
        sendAt,
        receiptTimeout,
        idempotencyKey,
        requestHash,
        recipients,
        window,
        timeZone,
        List.of(),
        null,
        null);
  }

  /** A sendout without a delivery window. */
  public NewSendout(
      UUID id,
      String tenantId,
      Channel channel,
      Object content,
      Instant sendAt,
      Duration receiptTimeout,
      String idempotencyKey,
      String requestHash,
      List<Recipient> recipients) {
    this(
        id,
        tenantId,
        channel,
        content,
        sendAt,
        receiptTimeout,
        idempotencyKey,
        requestHash,
        recipients,
        null,
        null,
        List.of(),
        null,
        null);
  }

  /**
   * One recipient: the address, an optional display name, the template variables, the caller's own
   * id for it, unique within the sendout (null when the caller gives none), and the IANA zone its
   * window is applied in ({@link dev.sendout.core.window.TimeZones#resolve}); null is UTC.
   */
  public record Recipient(
      String address,
      String displayName,
      Map<String, String> variables,
      String externalId,
      String timeZone) {

    /** A recipient without an id of the caller's or a zone of its own. */
    public Recipient(String address, String displayName, Map<String, String> variables) {
      this(address, displayName, variables, null, null);
    }
  }
}
