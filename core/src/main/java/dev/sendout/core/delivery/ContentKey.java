package dev.sendout.core.delivery;

import java.util.UUID;

/**
 * Which of its sendout's contents a message carries: the invitation's, one of the reminders', or
 * the thank-you. Messages of one content go to the provider together.
 *
 * @param reminderIndex for a reminder, which of the sendout's reminders (0-based); null otherwise
 * @param thankYou whether it is a thank-you
 */
public record ContentKey(Integer reminderIndex, boolean thankYou) {

  public static final ContentKey INVITATION = new ContentKey(null, false);
  public static final ContentKey THANK_YOU = new ContentKey(null, true);

  public static ContentKey reminder(int index) {
    return new ContentKey(index, false);
  }

  /** The key of a stored message, from its reminder index and the invitation it thanks for. */
  static ContentKey of(Short reminderIndex, UUID thanksMessageId) {
    if (thanksMessageId != null) {
      return THANK_YOU;
    }
    return reminderIndex == null ? INVITATION : reminder(reminderIndex);
  }
}
