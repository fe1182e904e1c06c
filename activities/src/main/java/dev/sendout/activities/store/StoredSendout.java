package dev.sendout.activities.store;

import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import java.time.Instant;
import java.util.UUID;

/** A sendout as stored, without its messages. */
public record StoredSendout(
    UUID id,
    String tenantId,
    Channel channel,
    SendoutStatus status,
    int recipientCount,
    Instant sendAt,
    Instant createdAt,
    Instant workflowStartedAt,
    Instant releasedAt,
    Instant completedAt,
    String requestHash) {}
