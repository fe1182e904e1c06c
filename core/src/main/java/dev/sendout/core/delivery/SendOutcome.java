package dev.sendout.core.delivery;

import java.time.Duration;

/**
 * What one provider call did with the messages it carried. Only {@link Kind#THROTTLED} and {@link
 * Kind#UNAVAILABLE} mean the provider certainly did not take them, so only those may be retried.
 *
 * @param error what the provider answered or failed with, for the error counter; null when it took
 *     the messages, or when the request was refused before it was sent
 */
public record SendOutcome(
    Kind kind, String providerMessageId, String reason, Duration retryAfter, ProviderError error) {

  public enum Kind {
    /** The provider took the messages (HTTP 202). */
    ACCEPTED,
    /** The provider refused them for good (4xx other than 401/403/429). */
    REJECTED,
    /** The provider asked us to slow down (429). */
    THROTTLED,
    /** Nothing was taken: 5xx, bad credentials, or no connection could be made. */
    UNAVAILABLE,
    /** The request may have reached the provider but no answer came back (read timeout). */
    IN_DOUBT
  }

  public static SendOutcome accepted(String providerMessageId) {
    return new SendOutcome(Kind.ACCEPTED, providerMessageId, null, null, null);
  }

  public static SendOutcome rejected(String reason, ProviderError error) {
    return new SendOutcome(Kind.REJECTED, null, reason, null, error);
  }

  /**
   * Refused by the provider's SDK before any request was made: as final as a refusal, but no
   * provider error, since the provider never saw it.
   */
  public static SendOutcome notSendable(String reason) {
    return new SendOutcome(Kind.REJECTED, null, reason, null, null);
  }

  public static SendOutcome throttled(String reason, Duration retryAfter, ProviderError error) {
    return new SendOutcome(Kind.THROTTLED, null, reason, retryAfter, error);
  }

  public static SendOutcome unavailable(String reason, ProviderError error) {
    return new SendOutcome(Kind.UNAVAILABLE, null, reason, null, error);
  }

  public static SendOutcome inDoubt(String reason, ProviderError error) {
    return new SendOutcome(Kind.IN_DOUBT, null, reason, null, error);
  }
}
