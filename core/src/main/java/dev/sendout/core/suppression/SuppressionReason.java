package dev.sendout.core.suppression;

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
  MANUAL
}
