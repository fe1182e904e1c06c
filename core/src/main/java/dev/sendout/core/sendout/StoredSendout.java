package dev.sendout.core.sendout;

import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A sendout as stored, without its messages.
 *
 * @param receiptTimeout how long an accepted message may wait for its receipt
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
    String requestHash) {}
