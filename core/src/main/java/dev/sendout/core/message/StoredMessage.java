package dev.sendout.core.message;

import dev.sendout.workflows.message.MessageStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * One message as stored, with the time of each transition it has made.
 *
 * @param attemptCount the tries at sending it: its batch's calls to the provider (each failed or
 *     refused one too: a message that went out once after a minute of 5xx answers shows them all),
 *     and resends; 1 for a message that went out at its first try
 * @param deferralCount how often the provider reported a temporary failure and kept trying
 * @param lastError why it is not delivered (yet): an attempt's failure (cleared once a provider
 *     accepts it), a deferral the provider reported, a send in doubt, the provider's refusal or
 *     bounce, or why it was cancelled; null once a receipt delivers it
 * @param externalId the caller's own id for the recipient, or null
 * @param respondedAt when the recipient responded to the survey, as the caller reported it; null
 *     until then. Set once, never changed, and independent of {@code status}
 * @param timeZone the IANA zone its sendout's delivery window is applied in for this recipient
 * @param waitingForWindowUntil while it is QUEUED outside its delivery window, when the window
 *     opens and it is released; while it is RELEASED and held back at the provider call because its
 *     window has closed since, when it opens and it is sent; null otherwise
 * @param kind an invitation, a reminder or a thank-you: a recipient's thank-you or reminder is a
 *     message of its own, to the same address, beside the invitation
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
    Instant respondedAt,
    String timeZone,
    Instant waitingForWindowUntil,
    Kind kind) {

  /** What a message is to its recipient. */
  public enum Kind {
    INVITATION,
    REMINDER,
    THANK_YOU
  }
}
