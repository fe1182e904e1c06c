package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.FINDING;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;

import dev.sendout.core.sendout.SeqRanges;
import dev.sendout.workflows.sendout.SendoutActivities.ActionApplied;
import dev.sendout.workflows.sendout.SendoutActivities.ApplyAction;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SupportAction;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Support actions on a sendout's record and messages, each written to the audit trail in the same
 * transaction. The workflow calls these through an activity, so an action from the API and one from
 * the Temporal UI take the same path.
 */
@Repository
public class SupportActionStore {

  private final DSLContext db;
  private final SupportMessages supportMessages;
  private final AuditTrail audit;
  private final Clock clock;

  public SupportActionStore(
      DSLContext db, SupportMessages supportMessages, AuditTrail audit, Clock clock) {
    this.db = db;
    this.supportMessages = supportMessages;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Applies the action once. A retried activity whose first attempt committed finds the action in
   * the audit trail and only recomputes the answer.
   */
  @Transactional
  public ActionApplied apply(ApplyAction input) {
    UUID id = UUID.fromString(input.sendoutId());
    // Serialises actions on one sendout, and with recipients being added to it.
    db.select(SENDOUT.ID).from(SENDOUT).where(SENDOUT.ID.eq(id)).forUpdate().fetchSingle();
    boolean repeated = audit.contains(id, input.actionId());
    SupportAction by = input.action();
    int affected = 0;
    List<Integer> resend = List.of();
    switch (input.type()) {
      case PAUSE -> {
        db.update(SENDOUT).set(SENDOUT.PAUSED_AT, now()).where(SENDOUT.ID.eq(id)).execute();
      }
      case RESUME -> {
        db.update(SENDOUT)
            .setNull(SENDOUT.PAUSED_AT)
            .set(SENDOUT.RESUMED_AT, now())
            .where(SENDOUT.ID.eq(id))
            .execute();
      }
      case CANCEL -> {
        affected = repeated ? 0 : supportMessages.cancelUnsent(id, "Cancelled by " + by.by());
        db.update(SENDOUT)
            .set(SENDOUT.STATUS, SendoutStatus.CANCELLED)
            .set(SENDOUT.CANCELLED_AT, now())
            .setNull(SENDOUT.PAUSED_AT)
            .setNull(SENDOUT.NEXT_REMINDER_AT)
            .where(SENDOUT.ID.eq(id))
            .and(SENDOUT.CANCELLED_AT.isNull())
            .execute();
      }
      case RESEND -> {
        resend =
            repeated
                ? supportMessages.releasedUnclaimed(id)
                : supportMessages.releaseForResend(id, "Sent again by " + by.by());
        affected = resend.size();
        if (affected > 0) {
          // A sendout that had completed is open again until these are settled.
          db.update(SENDOUT)
              .set(SENDOUT.STATUS, SendoutStatus.SENDING)
              .setNull(SENDOUT.COMPLETED_AT)
              .where(SENDOUT.ID.eq(id))
              .execute();
        }
      }
      case ACKNOWLEDGE -> {
        affected =
            db.update(FINDING)
                .set(FINDING.ACKNOWLEDGED_AT, now())
                .set(FINDING.ACKNOWLEDGED_BY, by.by())
                .set(FINDING.ACKNOWLEDGE_NOTE, by.note())
                .where(FINDING.SENDOUT_ID.eq(id))
                .and(FINDING.CLEARED_AT.isNull())
                .and(FINDING.ACKNOWLEDGED_AT.isNull())
                .execute();
      }
      case SKIP_REMINDER -> {
        // The workflow works out the next wave again without the skipped reminder.
      }
      case CANCEL_REMINDERS -> {
        db.update(SENDOUT).setNull(SENDOUT.NEXT_REMINDER_AT).where(SENDOUT.ID.eq(id)).execute();
        affected =
            repeated
                ? 0
                : supportMessages.cancelUnsentReminders(id, "Reminders cancelled by " + by.by());
      }
      case ADD_RECIPIENTS, RESTART, HAND_OVER, SUPPRESSION_REMOVED ->
          throw new IllegalArgumentException(input.type() + " is recorded by whoever does it");
    }
    if (!repeated && (affected > 0 || input.type() != SupportActionType.RESEND)) {
      audit.record(id, input.actionId(), input.type(), by.by(), by.note(), affected);
    }
    return new ActionApplied(affected, SeqRanges.grouped(resend, input.rangeSize()));
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }
}
