package dev.sendout.core.sendout;

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
    List<Recipient> recipients) {

  /**
   * One recipient: the address, an optional display name, the template variables and the caller's
   * own id for it, unique within the sendout (null when the caller gives none).
   */
  public record Recipient(
      String address, String displayName, Map<String, String> variables, String externalId) {

    /** A recipient without an id of the caller's. */
    public Recipient(String address, String displayName, Map<String, String> variables) {
      this(address, displayName, variables, null);
    }
  }
}
