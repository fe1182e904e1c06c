package dev.sendout.core.suppression;

import dev.sendout.workflows.sendout.Channel;

/** Why an address or number is on a tenant's suppression list. */
public enum SuppressionReason {
  /** The receiving server refused the address for good (SendGrid {@code bounce} of type bounce). */
  HARD_BOUNCE,
  /** The recipient marked a message as spam (SendGrid {@code spamreport}). */
  SPAM_REPORT,
  /** The recipient unsubscribed (SendGrid {@code unsubscribe}, {@code group_unsubscribe}). */
  UNSUBSCRIBED,
  /** The recipient answered an SMS with STOP or one of its synonyms. */
  SMS_STOP,
  /** A person put it there through the API. */
  MANUAL;

  /**
   * Whether an address of {@code channel} can be on the list for this reason: a bounce and a spam
   * report are email's, a STOP is SMS's; anyone can unsubscribe or be put on it by hand.
   */
  public boolean fits(Channel channel) {
    return switch (this) {
      case HARD_BOUNCE, SPAM_REPORT -> channel == Channel.EMAIL;
      case SMS_STOP -> channel == Channel.SMS;
      case UNSUBSCRIBED, MANUAL -> true;
    };
  }

  /** Why it does not {@link #fits fit} an address of {@code channel}, in a caller's words. */
  public String misfit(Channel channel) {
    return "%s is a reason for %s only, and this is %s"
        .formatted(
            this,
            channel == Channel.EMAIL ? "phone numbers" : "email addresses",
            channel == Channel.EMAIL ? "an email address" : "a phone number");
  }
}
