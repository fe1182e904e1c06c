package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.workflows.message.MessageStatus.CANCELLED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;

import dev.sendout.core.response.ResponseStore;
import dev.sendout.core.store.MessageTransitions;
import dev.sendout.core.suppression.SuppressionGate;
import dev.sendout.workflows.message.MessageStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Messages as support actions change them: cancelled before sending, or sent again. */
@Repository
public class SupportMessages {

  /** What a resend sends again: UNCONFIRMED and FAILED. */
  private static final List<MessageStatus> RESENDABLE =
      Arrays.stream(MessageStatus.values()).filter(MessageStatus::isResendable).toList();

  private final DSLContext db;
  private final MessageTransitions transitions;

  public SupportMessages(DSLContext db, MessageTransitions transitions) {
    this.db = db;
    this.transitions = transitions;
  }

  /**
   * What a resend sends again: UNCONFIRMED and FAILED messages, except the invitations and
   * reminders of recipients who responded (a response proves an invitation arrived; their
   * thank-yous are sent again), and the messages to recipients on the tenant's suppression list
   * (unsubscribed, bounced, STOP), which are left as they are, and which nothing waits for any more
   * ({@link dev.sendout.core.receipt.MessageSettlement#NOTHING_WAITS_FOR_IT}). Taken, the claim's
   * gate made them SUPPRESSED, "never sent", and cleared when the provider had accepted one: a
   * survey-features sweep read an invitation SendGrid had taken as SUPPRESSED with no acceptedAt,
   * and a late receipt could no longer settle it.
   */
  private static final Condition RESENDABLE_MESSAGE =
      MESSAGE
          .STATUS
          .in(RESENDABLE)
          .and(MESSAGE.THANKS_MESSAGE_ID.isNotNull().or(DSL.not(ResponseStore.RECIPIENT_RESPONDED)))
          .andNot(SuppressionGate.RECIPIENT_SUPPRESSED);

  /**
   * A person chose to send the sendout's UNCONFIRMED and FAILED messages again ({@link
   * #RESENDABLE_MESSAGE}): they return to RELEASED, ready for a new attempt, which their next claim
   * counts. Returns their sequence numbers, in order.
   */
  public List<Integer> releaseForResend(UUID sendoutId, String reason) {
    return db
        .update(MESSAGE)
        .set(MESSAGE.STATUS, RELEASED)
        // Released again: the watchdog's send grace counts from now, not from the first release
        // (resent messages were flagged NOT_SENT while their new provider call was under way).
        .set(MESSAGE.RELEASED_AT, transitions.now())
        .set(MESSAGE.LAST_ERROR, reason)
        .setNull(MESSAGE.SEND_STARTED_AT)
        .setNull(MESSAGE.ACCEPTED_AT)
        .setNull(MESSAGE.UNCONFIRMED_AT)
        .setNull(MESSAGE.FINISHED_AT)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(RESENDABLE_MESSAGE)
        .returning(MESSAGE.SEQ)
        .fetch(MESSAGE.SEQ)
        .stream()
        .sorted()
        .toList();
  }

  /** Whether {@link #releaseForResend} would find anything to send again. */
  public boolean anyResendable(UUID sendoutId) {
    return db.fetchExists(MESSAGE, MESSAGE.SENDOUT_ID.eq(sendoutId).and(RESENDABLE_MESSAGE));
  }

  /** Messages released and not yet claimed: what a resend left to send. */
  public List<Integer> releasedUnclaimed(UUID sendoutId) {
    return db.select(MESSAGE.SEQ)
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.STATUS.eq(RELEASED))
        .and(MESSAGE.SEND_STARTED_AT.isNull())
        .orderBy(MESSAGE.SEQ)
        .fetch(MESSAGE.SEQ);
  }

  /** Cancels the sendout's messages that no provider call has claimed. Returns how many. */
  public int cancelUnsent(UUID sendoutId, String reason) {
    return cancelUnsent(MESSAGE.SENDOUT_ID.eq(sendoutId), reason);
  }

  /**
   * Cancels the sendout's reminders that no provider call has claimed: a wave already made, waiting
   * for its recipients' window or held by a pause. Returns how many.
   */
  public int cancelUnsentReminders(UUID sendoutId, String reason) {
    return cancelUnsent(
        MESSAGE.SENDOUT_ID.eq(sendoutId).and(MESSAGE.REMINDS_MESSAGE_ID.isNotNull()), reason);
  }

  private int cancelUnsent(Condition which, String reason) {
    return transitions.moveTo(
        CANCELLED,
        which.and(MESSAGE.SEND_STARTED_AT.isNull()),
        transitions.now(),
        Map.of(MESSAGE.LAST_ERROR, reason));
  }
}
