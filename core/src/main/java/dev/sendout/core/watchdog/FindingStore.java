package dev.sendout.core.watchdog;

import static dev.sendout.core.store.jooq.Tables.AUDIT_EVENT;
import static dev.sendout.core.store.jooq.Tables.FINDING;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.QUEUED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;

import dev.sendout.core.receipt.MessageSettlement;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.core.store.MessageTransitions;
import dev.sendout.core.store.jooq.tables.records.FindingRecord;
import dev.sendout.workflows.Counted;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.StuckReason;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The watchdog's view of Postgres: the messages past a deadline, the unfinished sendouts, and the
 * findings it records. A finding stays one row while the problem lasts, so a problem that persists
 * is reported once, not once per pass.
 */
@Repository
public class FindingStore {

  private final DSLContext db;
  private final Clock clock;

  public FindingStore(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Something wrong with one sendout.
   *
   * @param since when it began: the oldest message's deadline
   */
  public record Finding(
      UUID sendoutId,
      String tenantId,
      Channel channel,
      StuckReason reason,
      int messages,
      Instant since,
      String detail) {

    Key key() {
      return new Key(sendoutId, reason);
    }
  }

  record Key(UUID sendoutId, StuckReason reason) {}

  /** What recording a pass's findings changed: how many opened, and how many cleared. */
  public record Recorded(List<Finding> opened, int cleared) {}

  /**
   * Sendouts with messages still QUEUED past their release deadline: their send time, or when they
   * were added, or when their delivery window opens, whichever is last, plus the grace. A message
   * waiting for its window is not overdue while the window is closed. Paused and cancelled sendouts
   * are left out: holding their messages back is what a person asked for.
   */
  public List<Finding> notReleased(Duration grace) {
    Field<OffsetDateTime> due =
        DSL.greatest(SENDOUT.SEND_AT, MESSAGE.QUEUED_AT, MESSAGE.WINDOW_OPENS_AT);
    OffsetDateTime dueBefore = now().minus(grace);
    return perSendout(
        StuckReason.NOT_RELEASED,
        MESSAGE
            .STATUS
            .eq(QUEUED)
            .and(MESSAGE.QUEUED_AT.lt(dueBefore))
            .and(due.lt(dueBefore))
            .and(SENDOUT.PAUSED_AT.isNull())
            .and(SENDOUT.CANCELLED_AT.isNull()),
        DSL.min(due),
        grace,
        NO_NOTE,
        (count, note) ->
            Counted.of(count, "message") + " still QUEUED past their release deadline");
  }

  /**
   * Sendouts whose released messages no provider has taken for the send grace: RELEASED since
   * before it, and no message of the sendout accepted or failed since. A sendout that is slowly
   * sending (SMS paced at the provider's rate) is making progress and is not flagged. A message
   * held back for its delivery window ({@code window_opens_at}) is due from when it opens, and one
   * of a sendout resumed since its release from the resume. Paused and cancelled sendouts are left
   * out. The detail carries the provider's last error (when none of them was tried yet, that of the
   * sendout's last call in doubt within the grace), and how many of them a provider call took that
   * has not answered: a worker that stopped during the call leaves them so until their batch runs
   * again and settles them as in doubt (a crash drill read "last provider error: none" for 5,000
   * messages the provider had taken).
   */
  public List<Finding> notSent(Duration grace) {
    OffsetDateTime dueBefore = now().minus(grace);
    Field<OffsetDateTime> due =
        DSL.greatest(MESSAGE.RELEASED_AT, MESSAGE.WINDOW_OPENS_AT, SENDOUT.RESUMED_AT);
    var other = MESSAGE.as("p");
    var progress =
        db.selectOne()
            .from(other)
            .where(other.SENDOUT_ID.eq(SENDOUT.ID))
            .and(
                other
                    .ACCEPTED_AT
                    .gt(dueBefore)
                    .or(other.STATUS.eq(FAILED).and(other.FINISHED_AT.gt(dueBefore))));
    Field<String> lastError =
        DSL.field(
            "(array_agg({0} order by {1} desc nulls last) filter (where {0} is not null))[1]",
            String.class, MESSAGE.LAST_ERROR, MESSAGE.SEND_STARTED_AT);
    // None of them tried yet: what the sendout's last call in doubt within the grace met says why
    // (a provider that does not answer times each call out in turn; a hang drill read "last
    // provider error: none" while its SMS went out one per read timeout).
    var doubt = MESSAGE.as("d");
    Field<String> lastDoubt =
        DSL.field(
            db.select(doubt.LAST_ERROR)
                .from(doubt)
                .where(doubt.SENDOUT_ID.eq(SENDOUT.ID))
                .and(doubt.STATUS.eq(UNCONFIRMED))
                // In doubt from a call, not waiting past the receipt deadline after an acceptance.
                .and(doubt.ACCEPTED_AT.isNull())
                .and(doubt.UNCONFIRMED_AT.gt(dueBefore))
                .and(doubt.LAST_ERROR.isNotNull())
                .orderBy(doubt.UNCONFIRMED_AT.desc())
                .limit(1));
    Field<Integer> inACall = DSL.count().filterWhere(MESSAGE.SEND_STARTED_AT.isNotNull());
    Field<String> note =
        DSL.concat(
            DSL.when(
                    inACall.gt(0),
                    inACall
                        .cast(String.class)
                        .concat(
                            " of them in a provider call not answered yet (in doubt if its worker stopped); "))
                .otherwise(""),
            DSL.inline("last provider error: "),
            DSL.coalesce(lastError, lastDoubt, DSL.inline("none")));
    return perSendout(
        StuckReason.NOT_SENT,
        MESSAGE
            .STATUS
            .eq(RELEASED)
            .and(MESSAGE.RELEASED_AT.lt(dueBefore))
            .and(due.lt(dueBefore))
            .and(SENDOUT.PAUSED_AT.isNull())
            .and(SENDOUT.CANCELLED_AT.isNull())
            .andNotExists(progress),
        DSL.min(due),
        grace,
        note,
        (count, details) -> Counted.of(count, "message") + " released and not sent; " + details);
  }

  /**
   * Sendouts with messages accepted longer ago than the warning time and still without a final
   * receipt, before their receipt deadline (past it, they are {@link #noReceipt}).
   */
  public List<Finding> receiptLate(Duration warning) {
    return perSendout(
        StuckReason.RECEIPT_LATE,
        MESSAGE
            .STATUS
            .eq(ACCEPTED)
            .and(MESSAGE.ACCEPTED_AT.lt(now().minus(warning)))
            .and(receiptDeadline().ge(now())),
        DSL.min(MESSAGE.ACCEPTED_AT),
        warning,
        NO_NOTE,
        (count, note) ->
            Counted.of(count, "message")
                + " accepted over "
                + spoken(warning)
                + " ago without a final receipt yet");
  }

  /**
   * Sendouts with messages the provider accepted but never confirmed: UNCONFIRMED (their batch
   * flagged them at the receipt deadline), or still ACCEPTED past it (no batch did). Not those
   * nothing waits for any more ({@link MessageSettlement#NOTHING_WAITS_FOR_IT}: their recipient
   * responded, or they were acknowledged in a sendout that sends nothing again).
   */
  public List<Finding> noReceipt() {
    Field<OffsetDateTime> deadline = receiptDeadline();
    Field<OffsetDateTime> since =
        DSL.when(MESSAGE.STATUS.eq(UNCONFIRMED), MESSAGE.UNCONFIRMED_AT).otherwise(deadline);
    return perSendout(
        StuckReason.NO_RECEIPT,
        MESSAGE
            .STATUS
            .eq(UNCONFIRMED)
            .or(MESSAGE.STATUS.eq(ACCEPTED).and(deadline.lt(now())))
            .andNot(MessageSettlement.NOTHING_WAITS_FOR_IT),
        DSL.min(since),
        Duration.ZERO,
        NO_NOTE,
        (count, note) -> neverConfirmed(count));
  }

  /** The detail of NO_RECEIPT, here and in the sendout's view. */
  public static String neverConfirmed(int count) {
    return Counted.of(count, "message")
        + " the provider accepted, or may have (a send in doubt), never confirmed";
  }

  /** A duration as people write it: {@code 1 h}, {@code 2 min}, {@code 90 s}. */
  static String spoken(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds < 60 || seconds % 60 != 0) {
      return seconds + " s";
    }
    return seconds % 3600 == 0 ? seconds / 3600 + " h" : seconds / 60 + " min";
  }

  /** A finding's detail, from the messages found and the query's note about them. */
  private interface Detail {
    String of(int messages, String note);
  }

  private static final Field<String> NO_NOTE = DSL.inline((String) null);

  /**
   * The messages matching {@code which}, counted per sendout: one finding each, since the earliest
   * {@code since} plus {@code after}.
   */
  private List<Finding> perSendout(
      StuckReason reason,
      Condition which,
      Field<OffsetDateTime> since,
      Duration after,
      Field<String> note,
      Detail detail) {
    return db.select(SENDOUT.ID, SENDOUT.TENANT_ID, SENDOUT.CHANNEL, DSL.count(), since, note)
        .from(MESSAGE)
        .join(SENDOUT)
        .on(SENDOUT.ID.eq(MESSAGE.SENDOUT_ID))
        .where(which)
        .groupBy(SENDOUT.ID, SENDOUT.TENANT_ID, SENDOUT.CHANNEL)
        .fetch(
            r ->
                new Finding(
                    r.value1(),
                    r.value2(),
                    r.value3(),
                    reason,
                    r.value4(),
                    r.value5() == null ? null : r.value5().plus(after).toInstant(),
                    detail.of(r.value4(), r.value6())));
  }

  /** When an accepted message's receipt deadline passes. */
  private static Field<OffsetDateTime> receiptDeadline() {
    return DSL.field(
        "{0} + make_interval(secs => {1})",
        OffsetDateTime.class, MESSAGE.ACCEPTED_AT, SENDOUT.RECEIPT_TIMEOUT_SECONDS);
  }

  /**
   * The sendout's messages still QUEUED past their release deadline (their window, if they wait for
   * one, counted as in {@link #notReleased}), as runs of consecutive sequence numbers in order, at
   * most {@code limit} runs: what the watchdog hands to the workflow again. None before the
   * sendout's first release, which takes every message QUEUED by then (a release that keeps failing
   * is the workflow's to retry): handed over before it, they were planned as a batch of their own
   * beside the release's, a child workflow of a two-recipient sendout, "batch 1 of 2". A first
   * release that found every window closed stamps no release time, but the messages it holds carry
   * their window's opening.
   */
  public List<SeqRange> overdueQueued(UUID sendoutId, Duration grace, int limit) {
    return MessageTransitions.runs(
        db,
        DSL.select(MESSAGE.SEQ)
            .from(MESSAGE)
            .join(SENDOUT)
            .on(SENDOUT.ID.eq(MESSAGE.SENDOUT_ID))
            .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
            .and(MESSAGE.STATUS.eq(QUEUED))
            .and(SENDOUT.RELEASED_AT.isNotNull().or(MESSAGE.WINDOW_OPENS_AT.isNotNull()))
            .and(
                DSL.greatest(SENDOUT.SEND_AT, MESSAGE.QUEUED_AT, MESSAGE.WINDOW_OPENS_AT)
                    .lt(now().minus(grace))),
        limit);
  }

  /**
   * Started sendouts not finished yet, whose workflow should be running: oldest first, at most
   * {@code limit}.
   */
  public List<StoredSendout> unfinished(int limit) {
    return db.selectFrom(SENDOUT)
        .where(SENDOUT.COMPLETED_AT.isNull())
        .and(SENDOUT.WORKFLOW_STARTED_AT.isNotNull())
        .orderBy(SENDOUT.CREATED_AT)
        .limit(limit)
        .fetch(SendoutStore::toStored);
  }

  /** Which of these sendout ids have a record. */
  public Set<UUID> existing(Collection<UUID> sendoutIds) {
    return new HashSet<>(
        db.select(SENDOUT.ID).from(SENDOUT).where(SENDOUT.ID.in(sendoutIds)).fetch(SENDOUT.ID));
  }

  /**
   * Records a pass's findings: new ones are inserted, lasting ones touched, and open findings the
   * pass no longer saw are cleared. A new finding of a reason the workflow flags by itself
   * (NOT_RELEASED, NO_RECEIPT) comes acknowledged when support staff acknowledged the sendout since
   * it began: they acknowledged the workflow's flag, before the watchdog had a finding to mark (a
   * hostile sweep: the acknowledgement answered 200, the finding written a second later stayed
   * unacknowledged, the API, the listing and the gauge said stuck while the Web UI did not, and a
   * second acknowledgement was refused as "not flagged stuck").
   */
  @Transactional
  public Recorded record(List<Finding> current) {
    OffsetDateTime now = now();
    Map<Key, FindingRecord> open = new HashMap<>();
    db.selectFrom(FINDING)
        .where(FINDING.CLEARED_AT.isNull())
        .forUpdate()
        .forEach(r -> open.put(new Key(r.getSendoutId(), r.getReason()), r));
    List<Finding> opened = new ArrayList<>();
    for (Finding f : current) {
      FindingRecord existing = open.remove(f.key());
      if (existing == null) {
        opened.add(f);
        OffsetDateTime since = f.since() == null ? now : f.since().atOffset(ZoneOffset.UTC);
        var acknowledged = acknowledgedSince(f, since);
        db.insertInto(FINDING)
            .set(FINDING.SENDOUT_ID, f.sendoutId())
            .set(FINDING.TENANT_ID, f.tenantId())
            .set(FINDING.CHANNEL, f.channel())
            .set(FINDING.REASON, f.reason())
            .set(FINDING.DETAIL, f.detail())
            .set(FINDING.MESSAGE_COUNT, f.messages())
            .set(FINDING.SINCE, since)
            .set(FINDING.FIRST_SEEN_AT, now)
            .set(FINDING.LAST_SEEN_AT, now)
            .set(FINDING.ACKNOWLEDGED_AT, acknowledged == null ? null : acknowledged.value1())
            .set(FINDING.ACKNOWLEDGED_BY, acknowledged == null ? null : acknowledged.value2())
            .set(FINDING.ACKNOWLEDGE_NOTE, acknowledged == null ? null : acknowledged.value3())
            .execute();
      } else {
        if (!Objects.equals(existing.getMessageCount(), f.messages())
            || !Objects.equals(existing.getDetail(), f.detail())) {
          existing.setToldAt(null); // news for the workflow's details
        }
        existing.setLastSeenAt(now);
        existing.setMessageCount(f.messages());
        existing.setDetail(f.detail());
        existing.update();
      }
    }
    for (FindingRecord gone : open.values()) {
      gone.setClearedAt(now);
      gone.setToldAt(null);
      gone.update();
    }
    return new Recorded(opened, open.size());
  }

  /**
   * The latest acknowledgement of the sendout at or after {@code since}, when the finding's reason
   * is one its workflow flags by itself; null otherwise.
   */
  private Record3<OffsetDateTime, String, String> acknowledgedSince(
      Finding f, OffsetDateTime since) {
    if (f.reason() != StuckReason.NOT_RELEASED && f.reason() != StuckReason.NO_RECEIPT) {
      return null;
    }
    return db.select(AUDIT_EVENT.AT, AUDIT_EVENT.ACTOR, AUDIT_EVENT.NOTE)
        .from(AUDIT_EVENT)
        .where(AUDIT_EVENT.SENDOUT_ID.eq(f.sendoutId()))
        // Inline, for the partial index of acknowledgements.
        .and(AUDIT_EVENT.ACTION.eq(DSL.inline(SupportActionType.ACKNOWLEDGE, AUDIT_EVENT.ACTION)))
        .and(AUDIT_EVENT.AT.ge(since))
        .orderBy(AUDIT_EVENT.AT.desc())
        .limit(1)
        .fetchOne();
  }

  /**
   * The sendouts whose workflows have news to be told of (a finding new, changed or cleared since
   * they were last told), or an open finding last told longer than {@code retell} ago.
   */
  public Set<UUID> toTell(Duration retell) {
    return new HashSet<>(
        db.selectDistinct(FINDING.SENDOUT_ID)
            .from(FINDING)
            .where(FINDING.TOLD_AT.isNull())
            .or(FINDING.CLEARED_AT.isNull().and(FINDING.TOLD_AT.lt(now().minus(retell))))
            .fetch(FINDING.SENDOUT_ID));
  }

  /** The sendout's workflow was told of every finding it has (or has no workflow to tell). */
  public void told(UUID sendoutId) {
    db.update(FINDING)
        .set(FINDING.TOLD_AT, now())
        .where(FINDING.SENDOUT_ID.eq(sendoutId))
        .and(FINDING.TOLD_AT.isNull().or(FINDING.CLEARED_AT.isNull()))
        .execute();
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }
}
