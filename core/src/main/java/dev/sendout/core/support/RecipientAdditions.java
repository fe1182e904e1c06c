package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.RECIPIENT_ADDITION;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;

import dev.sendout.core.sendout.NewSendout.Recipient;
import dev.sendout.core.sendout.QueuedMessages;
import dev.sendout.core.store.jooq.tables.records.RecipientAdditionRecord;
import dev.sendout.core.store.jooq.tables.records.SendoutRecord;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SeqRange;
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
 * Recipients added to a sendout after it was created. The sendout row is locked while its next
 * sequence numbers are taken, so that two concurrent additions never number messages alike; the
 * caller's Idempotency-Key makes a retried addition return the first one's range.
 */
@Repository
public class RecipientAdditions {

  /** The {@code last_error} of added messages that a finished sendout will never send. */
  public static final String TOO_LATE = "Added after the sendout had finished";

  private final DSLContext db;
  private final QueuedMessages queued;
  private final AuditTrail audit;
  private final Clock clock;

  public RecipientAdditions(DSLContext db, QueuedMessages queued, AuditTrail audit, Clock clock) {
    this.db = db;
    this.queued = queued;
    this.audit = audit;
    this.clock = clock;
  }

  /** What became of an addition. */
  public enum Outcome {
    /** The messages were stored as QUEUED under new sequence numbers. */
    ADDED,
    /**
     * The key was used before: nothing was stored, {@link Addition#messages} is the first range.
     */
    REPLAYED,
    /** No sendout with that id (for that tenant). */
    NO_SENDOUT,
    /** The sendout is completed or cancelled: nothing was stored. */
    FINISHED
  }

  /**
   * The result of {@link #add}.
   *
   * @param messages the added range; null for {@link Outcome#NO_SENDOUT} and {@link
   *     Outcome#FINISHED}
   * @param requestHash the fingerprint stored with the key, to tell a retry from a key reused for
   *     another request; null unless {@link Outcome#REPLAYED}
   * @param status the sendout's status; null for {@link Outcome#NO_SENDOUT}
   */
  public record Addition(
      Outcome outcome, SeqRange messages, String requestHash, SendoutStatus status) {}

  /**
   * Stores the recipients as QUEUED messages numbered from the sendout's current recipient count
   * upward, raises the count, and records the addition and its audit entry, all in one transaction.
   * A key stored before returns its range and stores nothing.
   *
   * @param idempotencyKey the caller's key, or one made up for a call that gave none
   * @param actor who added them, for the audit trail
   */
  /**
   * Recipients to add, read while the addition is stored: a request's list, or an upload streamed
   * in chunks so that its size does not decide the memory it takes.
   */
  public interface RecipientSource {

    /** The next chunk, validated; empty once there is no more. */
    List<Recipient> next();

    /** The fingerprint of the whole request; asked once every chunk has been read. */
    String requestHash();

    /** A list checked and fingerprinted beforehand. */
    static RecipientSource of(List<Recipient> recipients, String requestHash) {
      return new RecipientSource() {
        private boolean read;

        @Override
        public List<Recipient> next() {
          if (read) {
            return List.of();
          }
          read = true;
          return recipients;
        }

        @Override
        public String requestHash() {
          return requestHash;
        }
      };
    }
  }

  /** Whether an addition to this sendout was stored under this Idempotency-Key already. */
  public boolean isKnown(UUID sendoutId, String idempotencyKey) {
    return db.fetchExists(
        RECIPIENT_ADDITION,
        RECIPIENT_ADDITION
            .SENDOUT_ID
            .eq(sendoutId)
            .and(RECIPIENT_ADDITION.IDEMPOTENCY_KEY.eq(idempotencyKey)));
  }

  @Transactional
  public Addition add(
      String tenantId,
      UUID sendoutId,
      String idempotencyKey,
      RecipientSource recipients,
      String actor) {
    SendoutRecord sendout =
        db.selectFrom(SENDOUT)
            .where(SENDOUT.ID.eq(sendoutId))
            .and(SENDOUT.TENANT_ID.eq(tenantId))
            .forUpdate()
            .fetchOne();
    if (sendout == null) {
      return new Addition(Outcome.NO_SENDOUT, null, null, null);
    }
    if (isFinished(sendout)) {
      return new Addition(Outcome.FINISHED, null, null, sendout.getStatus());
    }
    RecipientAdditionRecord earlier =
        db.selectFrom(RECIPIENT_ADDITION)
            .where(RECIPIENT_ADDITION.SENDOUT_ID.eq(sendoutId))
            .and(RECIPIENT_ADDITION.IDEMPOTENCY_KEY.eq(idempotencyKey))
            .fetchOne();
    if (earlier != null) {
      // Read to the end, storing nothing, so that the caller can compare the two requests.
      while (!recipients.next().isEmpty()) {}
      return new Addition(
          Outcome.REPLAYED,
          new SeqRange(earlier.getFromSeq(), earlier.getToSeq()),
          earlier.getRequestHash(),
          sendout.getStatus());
    }
    OffsetDateTime now = now();
    int from = sendout.getRecipientCount();
    int to = from;
    for (List<Recipient> chunk = recipients.next(); !chunk.isEmpty(); chunk = recipients.next()) {
      queued.insertQueued(sendoutId, to, chunk, now);
      to += chunk.size();
    }
    SeqRange range = new SeqRange(from, to);
    db.update(SENDOUT)
        .set(SENDOUT.RECIPIENT_COUNT, range.toSeq())
        .where(SENDOUT.ID.eq(sendoutId))
        .execute();
    db.insertInto(RECIPIENT_ADDITION)
        .set(RECIPIENT_ADDITION.SENDOUT_ID, sendoutId)
        .set(RECIPIENT_ADDITION.IDEMPOTENCY_KEY, idempotencyKey)
        .set(RECIPIENT_ADDITION.REQUEST_HASH, recipients.requestHash())
        .set(RECIPIENT_ADDITION.FROM_SEQ, range.fromSeq())
        .set(RECIPIENT_ADDITION.TO_SEQ, range.toSeq())
        .set(RECIPIENT_ADDITION.CREATED_AT, now)
        .execute();
    audit.record(
        sendoutId,
        actionId(idempotencyKey),
        SupportActionType.ADD_RECIPIENTS,
        actor,
        null,
        range.size());
    return new Addition(Outcome.ADDED, range, null, sendout.getStatus());
  }

  /**
   * Cancels the added messages that are still QUEUED, for a sendout whose workflow refused them or
   * had already finished: they would otherwise wait forever and be flagged NOT_RELEASED. Messages
   * that did move on were taken by the workflow and are left alone. Returns how many it cancelled.
   */
  public int cancelUnsent(UUID sendoutId, SeqRange range) {
    OffsetDateTime now = now();
    return db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.CANCELLED)
        .set(MESSAGE.FINISHED_AT, now)
        .set(MESSAGE.LAST_ERROR, TOO_LATE)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.SEQ.ge(range.fromSeq()))
        .and(MESSAGE.SEQ.lt(range.toSeq()))
        .and(MESSAGE.STATUS.eq(MessageStatus.QUEUED))
        .execute();
  }

  /**
   * The audit trail's action id of an addition; also the workflow Update's id, so that the trail
   * and the workflow's history name the same call.
   */
  public static String actionId(String idempotencyKey) {
    return "add-" + idempotencyKey;
  }

  private static boolean isFinished(SendoutRecord sendout) {
    return sendout.getStatus() == SendoutStatus.COMPLETED
        || sendout.getStatus() == SendoutStatus.CANCELLED
        || sendout.getCompletedAt() != null
        || sendout.getCancelledAt() != null;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }
}
