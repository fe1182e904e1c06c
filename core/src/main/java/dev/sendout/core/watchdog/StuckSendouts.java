package dev.sendout.core.watchdog;

import static dev.sendout.core.store.Json.instant;
import static dev.sendout.core.store.jooq.Tables.FINDING;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;

import dev.sendout.core.store.jooq.tables.records.FindingRecord;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.StuckReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * What support staff look at: the sendouts with open findings of the watchdog, and for one sendout,
 * whether it is paused or cancelled and what is open against it. Read-only; the watchdog and the
 * workflows write these rows.
 */
@Repository
public class StuckSendouts {

  private final DSLContext db;

  public StuckSendouts(DSLContext db) {
    this.db = db;
  }

  /**
   * One open finding.
   *
   * @param since when the problem began, such as the oldest stuck message's deadline
   * @param firstSeenAt when the watchdog first found it
   * @param lastSeenAt when the watchdog last found it still there
   * @param acknowledgedAt when a person acknowledged it; null until someone does
   */
  public record OpenFinding(
      StuckReason reason,
      String detail,
      int messageCount,
      Instant since,
      Instant firstSeenAt,
      Instant lastSeenAt,
      Instant acknowledgedAt,
      String acknowledgedBy,
      String acknowledgeNote) {}

  /**
   * A sendout with at least one open finding.
   *
   * @param channel null only for an orphan workflow's finding that did not record it
   * @param status null when the sendout record is gone (an orphan workflow)
   * @param findings all its open findings, oldest first, whatever the listing was filtered by
   */
  public record StuckSendout(
      UUID sendoutId, Channel channel, SendoutStatus status, List<OpenFinding> findings) {}

  /**
   * One page of stuck sendouts.
   *
   * @param lastKey pass as {@code afterKey} for the next page; null on the last page
   */
  public record Page(List<StuckSendout> items, Long lastKey) {}

  /** What a person looking at one sendout should know besides its progress. */
  public record Attention(Instant pausedAt, Instant cancelledAt, List<OpenFinding> findings) {

    public static final Attention NONE = new Attention(null, null, List.of());
  }

  /**
   * Sendouts with open findings, in the order their oldest open finding was recorded, after {@code
   * afterKey} (0 for the first page). Keyset pagination: the key is that oldest finding's id.
   *
   * @param reason only sendouts with an open finding of this reason; null for any
   * @param channel only sendouts of this channel; null for either
   */
  public Page page(String tenantId, StuckReason reason, Channel channel, long afterKey, int limit) {
    Field<Long> key = DSL.min(FINDING.ID);
    // A finding the watchdog could not tie to a tenant (an orphan workflow without the attribute)
    // is shown to no tenant: it would tell every tenant of another's workflow. The watchdog's log
    // names it for operators.
    Condition where =
        FINDING
            .CLEARED_AT
            .isNull()
            .and(DSL.coalesce(SENDOUT.TENANT_ID, FINDING.TENANT_ID).eq(tenantId));
    if (reason != null) {
      where = where.and(FINDING.REASON.eq(reason));
    }
    if (channel != null) {
      where = where.and(DSL.coalesce(SENDOUT.CHANNEL, FINDING.CHANNEL).eq(channel));
    }
    List<Record2<UUID, Long>> keys =
        db.select(FINDING.SENDOUT_ID, key)
            .from(FINDING)
            .leftJoin(SENDOUT)
            .on(SENDOUT.ID.eq(FINDING.SENDOUT_ID))
            .where(where)
            .groupBy(FINDING.SENDOUT_ID)
            .having(key.gt(afterKey))
            .orderBy(key)
            .limit(limit + 1)
            .fetch();
    boolean more = keys.size() > limit;
    List<Record2<UUID, Long>> page = more ? keys.subList(0, limit) : keys;
    List<StuckSendout> items = sendouts(page.stream().map(Record2::value1).toList());
    return new Page(items, more ? page.get(page.size() - 1).value2() : null);
  }

  /** Whether the sendout is paused or cancelled, and its open findings, oldest first. */
  public Attention attention(UUID sendoutId) {
    var state =
        db.select(SENDOUT.PAUSED_AT, SENDOUT.CANCELLED_AT)
            .from(SENDOUT)
            .where(SENDOUT.ID.eq(sendoutId))
            .fetchOne();
    List<OpenFinding> findings =
        db.selectFrom(FINDING)
            .where(FINDING.SENDOUT_ID.eq(sendoutId))
            .and(FINDING.CLEARED_AT.isNull())
            .orderBy(FINDING.ID)
            .fetch(StuckSendouts::toOpenFinding);
    return state == null
        ? new Attention(null, null, findings)
        : new Attention(instant(state.value1()), instant(state.value2()), findings);
  }

  /** The sendouts with their open findings, in the order of {@code ids}. */
  private List<StuckSendout> sendouts(List<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<OpenFinding>> findings = new LinkedHashMap<>();
    Map<UUID, Channel> channels = new LinkedHashMap<>();
    Map<UUID, SendoutStatus> statuses = new LinkedHashMap<>();
    db.select(FINDING.fields())
        .select(SENDOUT.CHANNEL, SENDOUT.STATUS)
        .from(FINDING)
        .leftJoin(SENDOUT)
        .on(SENDOUT.ID.eq(FINDING.SENDOUT_ID))
        .where(FINDING.SENDOUT_ID.in(ids))
        .and(FINDING.CLEARED_AT.isNull())
        .orderBy(FINDING.ID)
        .forEach(
            row -> {
              FindingRecord finding = row.into(FINDING);
              UUID id = finding.getSendoutId();
              findings.computeIfAbsent(id, k -> new ArrayList<>()).add(toOpenFinding(finding));
              Channel channel = row.get(SENDOUT.CHANNEL);
              channels.putIfAbsent(id, channel != null ? channel : finding.getChannel());
              statuses.putIfAbsent(id, row.get(SENDOUT.STATUS));
            });
    return ids.stream()
        .filter(findings::containsKey)
        .map(id -> new StuckSendout(id, channels.get(id), statuses.get(id), findings.get(id)))
        .toList();
  }

  private static OpenFinding toOpenFinding(FindingRecord r) {
    return new OpenFinding(
        r.getReason(),
        r.getDetail(),
        r.getMessageCount(),
        instant(r.getSince()),
        instant(r.getFirstSeenAt()),
        instant(r.getLastSeenAt()),
        instant(r.getAcknowledgedAt()),
        r.getAcknowledgedBy(),
        r.getAcknowledgeNote());
  }
}
