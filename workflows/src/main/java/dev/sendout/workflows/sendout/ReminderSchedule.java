package dev.sendout.workflows.sendout;

import java.time.Instant;

/**
 * Where a sendout's reminders stand, carried across a continue-as-new: when the next wave is due,
 * which reminders support staff skipped, and whether reminders (and the sendout) have stopped. The
 * store works out the waves from each recipient's acceptance time; the workflow holds only this,
 * and one durable timer for {@code nextAt}.
 *
 * @param nextAt when the next wave is due; null when none is known to be pending
 * @param nextIndex the reminder (0-based) the next wave is for; -1 when none
 * @param skipped a bit per reminder index that support staff skipped
 * @param computedAtSent how many batches had reported being sent when {@code nextAt} was worked
 *     out; -1 when it never was. Batches sent since may have invitations due for a reminder.
 * @param cancelled support staff cancelled every reminder still to come
 * @param closed the survey closed ({@code closesAt}): nothing more is sent
 */
public record ReminderSchedule(
    Instant nextAt,
    int nextIndex,
    int skipped,
    int computedAtSent,
    boolean cancelled,
    boolean closed) {

  static final ReminderSchedule NONE = new ReminderSchedule(null, -1, 0, -1, false, false);

  /** No wave will come any more: reminders were cancelled or the survey closed. */
  boolean stopped() {
    return cancelled || closed;
  }

  /** Whether the schedule must still be worked out, or a wave is still to come. */
  boolean pending(int sentBatches) {
    return !stopped() && (nextAt != null || computedAtSent != sentBatches);
  }

  ReminderSchedule next(Instant at, int index, int sentBatches) {
    return new ReminderSchedule(at, index, skipped, sentBatches, cancelled, closed);
  }

  ReminderSchedule skipNext() {
    return new ReminderSchedule(null, -1, skipped | (1 << nextIndex), -1, cancelled, closed);
  }

  ReminderSchedule cancel() {
    return new ReminderSchedule(null, -1, skipped, computedAtSent, true, closed);
  }

  ReminderSchedule close() {
    return new ReminderSchedule(null, -1, skipped, computedAtSent, cancelled, true);
  }
}
