package dev.sendout.core.metrics;

import static dev.sendout.core.store.jooq.Tables.FINDING;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.jooq.impl.DSL.inline;

import dev.sendout.core.receipt.MessageSettlement;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.StuckReason;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.Result;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * Counts what the store gauges show, in four queries, each served by an index that holds only the
 * rows it counts. Statuses are inlined rather than bound: a cached generic plan for a bound status
 * could not use the partial indexes, whose predicates name a status.
 */
@Repository
public class StoreCensus {

  /**
   * One census. Every channel, status and reason is present, with 0 (or a zero age) when none.
   *
   * @param messages messages of unfinished sendouts, by channel and status
   * @param stuck sendouts with an open, unacknowledged finding, by reason
   * @param oldestUnreleased how long the oldest due QUEUED message has waited, by channel
   * @param oldestUnconfirmed how long since the provider accepted the oldest message it has not
   *     confirmed, by channel
   * @param oldestPaused how long the unfinished sendout paused longest ago has been paused, by
   *     channel
   */
  public record Census(
      Map<Channel, Map<MessageStatus, Integer>> messages,
      Map<StuckReason, Integer> stuck,
      Map<Channel, Duration> oldestUnreleased,
      Map<Channel, Duration> oldestUnconfirmed,
      Map<Channel, Duration> oldestPaused) {}

  private final DSLContext db;

  public StoreCensus(DSLContext db) {
    this.db = db;
  }

  public Census take(Instant now) {
    return new Census(
        messagesOfUnfinishedSendouts(),
        stuck(),
        oldestUnreleased(now),
        oldestUnconfirmed(now),
        oldestPaused(now));
  }

  /**
   * Finished sendouts are left out: they are most of the table and only grow, so counting them
   * every refresh would cost more and more, and their messages no longer change anyway.
   */
  private Map<Channel, Map<MessageStatus, Integer>> messagesOfUnfinishedSendouts() {
    Map<Channel, Map<MessageStatus, Integer>> counts = new EnumMap<>(Channel.class);
    for (Channel channel : Channel.values()) {
      Map<MessageStatus, Integer> byStatus = new EnumMap<>(MessageStatus.class);
      for (MessageStatus status : MessageStatus.values()) {
        byStatus.put(status, 0);
      }
      counts.put(channel, byStatus);
    }
    db.select(SENDOUT.CHANNEL, MESSAGE.STATUS, DSL.count())
        .from(SENDOUT)
        .join(MESSAGE)
        .on(MESSAGE.SENDOUT_ID.eq(SENDOUT.ID))
        .where(SENDOUT.COMPLETED_AT.isNull())
        .groupBy(SENDOUT.CHANNEL, MESSAGE.STATUS)
        .forEach(row -> counts.get(row.value1()).put(row.value2(), row.value3()));
    return counts;
  }

  /** One open finding per sendout and reason is the rule; counting distinct sendouts says so. */
  private Map<StuckReason, Integer> stuck() {
    Map<StuckReason, Integer> counts = new EnumMap<>(StuckReason.class);
    for (StuckReason reason : StuckReason.values()) {
      counts.put(reason, 0);
    }
    db.select(FINDING.REASON, DSL.countDistinct(FINDING.SENDOUT_ID))
        .from(FINDING)
        .where(FINDING.CLEARED_AT.isNull())
        .and(FINDING.ACKNOWLEDGED_AT.isNull())
        .groupBy(FINDING.REASON)
        .forEach(row -> counts.put(row.value1(), row.value2()));
    return counts;
  }

  /**
   * A QUEUED message is due from its sendout's send time, or from when it was added, or from when
   * its delivery window opens, whichever is last. The redundant bound on queued_at lets the scan of
   * {@code message_queued_idx} stop at now.
   */
  private Map<Channel, Duration> oldestUnreleased(Instant now) {
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    Field<OffsetDateTime> due =
        DSL.greatest(SENDOUT.SEND_AT, MESSAGE.QUEUED_AT, MESSAGE.WINDOW_OPENS_AT);
    return ages(
        now,
        db.select(SENDOUT.CHANNEL, DSL.min(due))
            .from(MESSAGE)
            .join(SENDOUT)
            .on(SENDOUT.ID.eq(MESSAGE.SENDOUT_ID))
            .where(is(MessageStatus.QUEUED))
            .and(MESSAGE.QUEUED_AT.le(at))
            .and(due.le(at))
            // Held on purpose, as the watchdog's NOT_RELEASED leaves them out: a support drill's
            // rows in a cancelled sendout raised the paging alert with nothing flagged.
            .and(SENDOUT.PAUSED_AT.isNull())
            .and(SENDOUT.CANCELLED_AT.isNull())
            .groupBy(SENDOUT.CHANNEL)
            .fetch());
  }

  /**
   * Messages the provider took and has not confirmed: ACCEPTED ones still waiting for a receipt,
   * and UNCONFIRMED ones whose deadline passed and that are still waited for (not those {@link
   * MessageSettlement#NOTHING_WAITS_FOR_IT}) and that support staff have not acknowledged since: an
   * acknowledgement silenced the flag but not this age, and the alert on it fired for good (an ops
   * check). An UNCONFIRMED message that was never accepted (its send broke off) has no accepted_at
   * and is left out: the provider may never have had it.
   */
  private Map<Channel, Duration> oldestUnconfirmed(Instant now) {
    return ages(
        now,
        db.select(SENDOUT.CHANNEL, DSL.min(MESSAGE.ACCEPTED_AT))
            .from(MESSAGE)
            .join(SENDOUT)
            .on(SENDOUT.ID.eq(MESSAGE.SENDOUT_ID))
            // An OR of the two, not an IN: each arm can then use its own partial index.
            .where(
                is(MessageStatus.ACCEPTED)
                    .or(
                        is(MessageStatus.UNCONFIRMED)
                            .andNot(MessageSettlement.NOTHING_WAITS_FOR_IT)
                            .andNot(MessageSettlement.ACKNOWLEDGED_SINCE_UNCONFIRMED)))
            .and(MESSAGE.ACCEPTED_AT.isNotNull())
            .groupBy(SENDOUT.CHANNEL)
            .fetch());
  }

  /**
   * A pause holds its sendout's messages and clears its stuck flags, on purpose: one nobody lifted
   * shows nowhere else. Read from {@code sendout_paused_idx}.
   */
  private Map<Channel, Duration> oldestPaused(Instant now) {
    return ages(
        now,
        db.select(SENDOUT.CHANNEL, DSL.min(SENDOUT.PAUSED_AT))
            .from(SENDOUT)
            .where(SENDOUT.PAUSED_AT.isNotNull())
            .and(SENDOUT.COMPLETED_AT.isNull())
            .and(SENDOUT.CANCELLED_AT.isNull())
            .groupBy(SENDOUT.CHANNEL)
            .fetch());
  }

  private static Condition is(MessageStatus status) {
    return MESSAGE.STATUS.eq(inline(status, MESSAGE.STATUS));
  }

  /** Age of each channel's oldest time; zero when it has none, or when clocks disagree. */
  private static Map<Channel, Duration> ages(
      Instant now, Result<Record2<Channel, OffsetDateTime>> oldest) {
    Map<Channel, Duration> ages = new EnumMap<>(Channel.class);
    for (Channel channel : Channel.values()) {
      ages.put(channel, Duration.ZERO);
    }
    for (Record2<Channel, OffsetDateTime> row : oldest) {
      Duration age = Duration.between(row.value2().toInstant(), now);
      ages.put(row.value1(), age.isNegative() ? Duration.ZERO : age);
    }
    return ages;
  }
}
