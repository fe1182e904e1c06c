package dev.sendout.core.message;

import dev.sendout.workflows.message.MessageStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * One message as stored, with the time of each transition it has made.
 *
 * @param deferralCount how often the provider reported a temporary failure and kept trying
 * @param externalId the caller's own id for the recipient, or null
 * @param respondedAt when the recipient responded to the survey, as the caller reported it; null
 *     until then. Set once, never changed, and independent of {@code status}
 */
public record StoredMessage(
    UUID id,
    int seq,
    String address,
    MessageStatus status,
    String providerMessageId,
    int attemptCount,
    int deferralCount,
    String lastError,
    Instant queuedAt,
    Instant releasedAt,
    Instant acceptedAt,
    Instant unconfirmedAt,
    Instant finishedAt,
    String externalId,
    Instant respondedAt) {}
