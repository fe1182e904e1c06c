package dev.sendout.core.sendout;

import static dev.sendout.core.store.Json.instant;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;

import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * A tenant's sendouts, newest first, one page at a time. Keyset pagination on (created_at, id),
 * which {@code sendout_tenant_created_idx} serves in order: a page costs its own rows, not the
 * offset of the rows before it, and sendouts created meanwhile neither shift nor repeat a page.
 */
@Repository
public class SendoutList {

  private final DSLContext db;

  public SendoutList(DSLContext db) {
    this.db = db;
  }

  /**
   * What to list; every part is optional.
   *
   * @param statuses only sendouts in one of these; empty for any
   * @param channel only this channel; null for both
   * @param createdFrom only sendouts created at or after this instant; null for no bound
   * @param createdTo only sendouts created before this instant; null for no bound
   */
  public record Filter(
      Set<SendoutStatus> statuses, Channel channel, Instant createdFrom, Instant createdTo) {

    public Filter {
      statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    }
  }

  /** Where a page ends: the last sendout listed, in the listing's order. */
  public record Position(Instant createdAt, UUID id) {}

  /**
   * One sendout as the listing shows it: what its own row holds, without the per-message counts,
   * which cost a query per sendout.
   *
   * @param paused whether support staff have paused its sends
   * @param cancelledAt when it was cancelled; null unless it was
   */
  public record Summary(
      UUID id,
      Channel channel,
      SendoutStatus status,
      int recipientCount,
      Instant sendAt,
      Instant createdAt,
      Instant releasedAt,
      Instant sentAt,
      Instant completedAt,
      boolean paused,
      Instant cancelledAt) {}

  /**
   * One page.
   *
   * @param next pass as {@code after} for the next page; null on the last page
   */
  public record Page(List<Summary> items, Position next) {}

  /**
   * The tenant's sendouts that pass the filter, newest first (ties by id, descending), after {@code
   * after} (null for the first page).
   */
  public Page page(String tenantId, Filter filter, Position after, int limit) {
    Condition where = SENDOUT.TENANT_ID.eq(tenantId);
    if (!filter.statuses().isEmpty()) {
      where = where.and(SENDOUT.STATUS.in(filter.statuses()));
    }
    if (filter.channel() != null) {
      where = where.and(SENDOUT.CHANNEL.eq(filter.channel()));
    }
    if (filter.createdFrom() != null) {
      where = where.and(SENDOUT.CREATED_AT.ge(utc(filter.createdFrom())));
    }
    if (filter.createdTo() != null) {
      where = where.and(SENDOUT.CREATED_AT.lt(utc(filter.createdTo())));
    }
    if (after != null) {
      // One row comparison, which Postgres walks the index with, rather than the equivalent
      // "created_at < ? or (created_at = ? and id < ?)", which it may not.
      where =
          where.and(DSL.row(SENDOUT.CREATED_AT, SENDOUT.ID).lt(utc(after.createdAt()), after.id()));
    }
    List<Summary> rows =
        db.select(
                SENDOUT.ID,
                SENDOUT.CHANNEL,
                SENDOUT.STATUS,
                RECIPIENTS_ONLY,
                SENDOUT.SEND_AT,
                SENDOUT.CREATED_AT,
                SENDOUT.RELEASED_AT,
                SENDOUT.SENT_AT,
                SENDOUT.COMPLETED_AT,
                SENDOUT.PAUSED_AT,
                SENDOUT.CANCELLED_AT)
            .from(SENDOUT)
            .where(where)
            .orderBy(SENDOUT.CREATED_AT.desc(), SENDOUT.ID.desc())
            .limit(limit + 1)
            .fetch(SendoutList::toSummary);
    if (rows.size() <= limit) {
      return new Page(rows, null);
    }
    List<Summary> page = rows.subList(0, limit);
    Summary last = page.get(page.size() - 1);
    return new Page(List.copyOf(page), new Position(last.createdAt(), last.id()));
  }

  /**
   * Its recipients, as {@link StoredSendout#recipientsOnly} counts them: {@code recipient_count} is
   * the next free sequence number, and reminders and thank-yous take numbers too.
   */
  private static final Field<Integer> RECIPIENTS_ONLY =
      SENDOUT
          .RECIPIENT_COUNT
          .minus(SENDOUT.REMINDER_MESSAGES)
          .minus(SENDOUT.THANK_YOU_MESSAGES)
          .as("recipients_only");

  private static Summary toSummary(Record r) {
    return new Summary(
        r.get(SENDOUT.ID),
        r.get(SENDOUT.CHANNEL),
        r.get(SENDOUT.STATUS),
        r.get(RECIPIENTS_ONLY),
        instant(r.get(SENDOUT.SEND_AT)),
        instant(r.get(SENDOUT.CREATED_AT)),
        instant(r.get(SENDOUT.RELEASED_AT)),
        instant(r.get(SENDOUT.SENT_AT)),
        instant(r.get(SENDOUT.COMPLETED_AT)),
        r.get(SENDOUT.PAUSED_AT) != null,
        instant(r.get(SENDOUT.CANCELLED_AT)));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
