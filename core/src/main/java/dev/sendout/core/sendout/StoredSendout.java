package dev.sendout.core.sendout;

import dev.sendout.core.window.DeliveryWindow;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A sendout as stored, without its messages.
 *
 * @param receiptTimeout how long an accepted message may wait for its receipt
 * @param window its delivery window; null when it has none
 * @param timeZone its IANA zone; null when it has none
 */
public record StoredSendout(
    UUID id,
    String tenantId,
    Channel channel,
    SendoutStatus status,
    int recipientCount,
    Instant sendAt,
    Duration receiptTimeout,
    Instant createdAt,
    Instant workflowStartedAt,
    Instant releasedAt,
    Instant sentAt,
    Instant completedAt,
    String requestHash,
    DeliveryWindow window,
    String timeZone) {

  /** A sendout without a delivery window. */
  public StoredSendout(
      UUID id,
      String tenantId,
      Channel channel,
      SendoutStatus status,
      int recipientCount,
      Instant sendAt,
      Duration receiptTimeout,
      Instant createdAt,
      Instant workflowStartedAt,
      Instant releasedAt,
      Instant sentAt,
      Instant completedAt,
      String requestHash) {
    this(
        id,
        tenantId,
        channel,
        status,
        recipientCount,
        sendAt,
        receiptTimeout,
        createdAt,
        workflowStartedAt,
        releasedAt,
        sentAt,
        completedAt,
        requestHash,
        null,
        null);
  }
}
