package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.RECIPIENT_ADDITION;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;

import dev.sendout.core.store.MessageTransitions;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SeqRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * The outbox of recipient additions: additions stored and answered, not yet handed to their
 * sendout's workflow. Read a sendout at a time with every range added meanwhile, so that one signal
 * carries them all.
 */
@Repository
public class AdditionHandoffs {

  /**
   * The pending additions of one sendout whose workflow has been started.
   *
   * @param ranges their messages, contiguous ranges merged: one sendout's additions are numbered
   *     one after the other, so a round of many small additions is one range, which the workflow
   *     releases and sends as one batch
   * @param keys the additions' Idempotency-Keys, to mark them handed over
   * @param untilSend how long until the sendout's send time; zero once it has come
   */
  public record Pending(
      UUID sendoutId, List<SeqRange> ranges, List<String> keys, Duration untilSend) {

    /** Additions to a sendout whose send time has come. */
    public Pending(UUID sendoutId, List<SeqRange> ranges, List<String> keys) {
      this(sendoutId, ranges, keys, Duration.ZERO);
    }
  }

  /**
   * A sendout before its send time is told of new additions at most once per this share of the time
   * left until it (a day ahead, once per 5.8 minutes; an hour ahead, once per 14 s), whichever api
   * instance tells it. Its workflow waits for the send time without continuing as new, each
   * hand-off adds a signal and a workflow task (four events) to its history, and the Temporal
   * server terminates a workflow at 51,200 events by default: told once per 10 s, a sendout taking
   * additions all the time reached that in a day and a half, and a send time may be a year ahead.
   * At this share a year of additions comes to about 2,600 hand-offs. The release at the send time
   * takes every message stored by then anyway; what the wait costs is the Web UI's count of
   * recipients, which trails by the same share.
   */
  static final int SHARE_OF_THE_TIME_TO_SEND = 250;

  private final DSLContext db;
  private final Clock clock;

  public AdditionHandoffs(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Locks and returns up to {@code limit} pending additions, grouped by sendout, skipping those
   * that another relay holds and those of the sendouts {@code skipped}. Additions of a sendout
   * whose workflow is not started yet wait: the outbox relay starts it, and its release takes every
   * message stored by then. Those of a sendout told of additions before its send time wait for
   * {@link #SHARE_OF_THE_TIME_TO_SEND}th of the time then left ({@link #markToldAhead}). Each says
   * how long its sendout has until its send time. Call in a transaction.
   *
   * @param skipped sendouts that are not to be told now: left out here, their backlog does not fill
   *     the limit and hold every other sendout's additions back
   */
  public List<Pending> lockPending(int limit, Collection<UUID> skipped) {
    Map<UUID, Pending> bySendout = new LinkedHashMap<>();
    Instant now = clock.instant();
    db.select(
            RECIPIENT_ADDITION.SENDOUT_ID,
            RECIPIENT_ADDITION.IDEMPOTENCY_KEY,
            RECIPIENT_ADDITION.FROM_SEQ,
            RECIPIENT_ADDITION.TO_SEQ,
            SENDOUT.SEND_AT)
        .from(RECIPIENT_ADDITION)
        .join(SENDOUT)
        .on(SENDOUT.ID.eq(RECIPIENT_ADDITION.SENDOUT_ID))
        .where(RECIPIENT_ADDITION.HANDED_OVER_AT.isNull())
        .andNot(MessageTransitions.oneOf(RECIPIENT_ADDITION.SENDOUT_ID, skipped, UUID[]::new))
        .and(SENDOUT.WORKFLOW_STARTED_AT.isNotNull())
        .and(notHeldAhead(now))
        .orderBy(RECIPIENT_ADDITION.CREATED_AT)
        .limit(limit)
        .forUpdate()
        .of(RECIPIENT_ADDITION)
        .skipLocked()
        .forEach(
            row -> {
              Pending pending =
                  bySendout.computeIfAbsent(
                      row.value1(),
                      id ->
                          new Pending(
                              id,
                              new ArrayList<>(),
                              new ArrayList<>(),
                              untilSend(row.value5(), now)));
              pending.ranges().add(new SeqRange(row.value3(), row.value4()));
              pending.keys().add(row.value2());
            });
    return bySendout.values().stream()
        .map(p -> new Pending(p.sendoutId(), SeqRange.merged(p.ranges()), p.keys(), p.untilSend()))
        .toList();
  }

  /** The sendout is due, or was not told before its send time lately ({@link #markToldAhead}). */
  private static Condition notHeldAhead(Instant now) {
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    Field<OffsetDateTime> heldUntil =
        DSL.field(
            "{0} + ({1} - {0}) / " + SHARE_OF_THE_TIME_TO_SEND,
            OffsetDateTime.class,
            SENDOUT.ADDITIONS_TOLD_AHEAD_AT,
            SENDOUT.SEND_AT);
    return SENDOUT.SEND_AT.le(at).or(SENDOUT.ADDITIONS_TOLD_AHEAD_AT.isNull()).or(heldUntil.le(at));
  }

  /**
   * Records that the sendout, before its send time, was told of additions now: its next hand-off
   * waits ({@link #SHARE_OF_THE_TIME_TO_SEND}).
   */
  public void markToldAhead(UUID sendoutId) {
    db.update(SENDOUT)
        .set(SENDOUT.ADDITIONS_TOLD_AHEAD_AT, OffsetDateTime.now(clock))
        .where(SENDOUT.ID.eq(sendoutId))
        .execute();
  }

  private static Duration untilSend(OffsetDateTime sendAt, Instant now) {
    Duration until = Duration.between(now, sendAt.toInstant());
    return until.isNegative() ? Duration.ZERO : until;
  }

  /** Of the sendouts given, those whose given message is still QUEUED: not released yet. */
  public Set<UUID> stillQueued(Map<UUID, Integer> lastSeqBySendout) {
    var wanted =
        lastSeqBySendout.entrySet().stream()
            .map(e -> DSL.row(MESSAGE.SENDOUT_ID, MESSAGE.SEQ).eq(e.getKey(), e.getValue()))
            .toList();
    return db.select(MESSAGE.SENDOUT_ID)
        .from(MESSAGE)
        .where(DSL.or(wanted))
        .and(MESSAGE.STATUS.eq(MessageStatus.QUEUED))
        .fetchSet(MESSAGE.SENDOUT_ID);
  }

  /** Records that the workflow was told of these additions of the sendout. */
  public void markHandedOver(UUID sendoutId, Collection<String> keys) {
    db.update(RECIPIENT_ADDITION)
        .set(
            RECIPIENT_ADDITION.HANDED_OVER_AT,
            OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
        .where(RECIPIENT_ADDITION.SENDOUT_ID.eq(sendoutId))
        .and(MessageTransitions.oneOf(RECIPIENT_ADDITION.IDEMPOTENCY_KEY, keys, String[]::new))
        .execute();
  }
}
