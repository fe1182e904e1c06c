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
 * @param reminderCount how many reminders it declares
 * @param closesAt when the survey closes; null when it does not
 * @param nextReminderAt when its next reminder wave is due, as its workflow last worked it out;
 *     null when none is pending
 * @param reminderMessages how many of its messages are reminders; {@code recipientCount} counts
 *     them too, being the next free sequence number
 * @param thankYou whether it thanks those who respond
 * @param thankYouMessages how many of its messages are thank-yous, counted in {@code
 *     recipientCount} as reminders are
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
    String timeZone,
    int reminderCount,
    Instant closesAt,
    Instant nextReminderAt,
    int reminderMessages,
    boolean thankYou,
    int thankYouMessages) {

  /** Its recipients: its messages less its reminders and thank-yous. */
  public int recipientsOnly() {
    return recipientCount - reminderMessages - thankYouMessages;
  }

  /**
   * Whether messages may still go out for it at {@code now}: not cancelled, its survey not closed.
   */
  public boolean open(Instant now) {
    return status != SendoutStatus.CANCELLED && !closed(now);
  }

  /** Whether its survey has closed by {@code now}: after that nothing more is sent. */
  public boolean closed(Instant now) {
    return closesAt != null && !now.isBefore(closesAt);
  }
}
