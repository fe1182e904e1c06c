package dev.sendout.activities.store;

import dev.sendout.workflows.message.MessageStatus;
import java.time.Instant;
import java.util.UUID;

/** One message as stored, with the time of each transition it has made. */
public record StoredMessage(
    UUID id,
    int seq,
    String address,
    MessageStatus status,
    String providerMessageId,
    int attemptCount,
    String lastError,
    Instant queuedAt,
    Instant releasedAt,
    Instant acceptedAt,
    Instant unconfirmedAt,
    Instant finishedAt) {}
