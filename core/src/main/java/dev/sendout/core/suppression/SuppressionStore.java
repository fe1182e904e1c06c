package dev.sendout.core.suppression;

import static dev.sendout.core.store.jooq.Tables.SUPPRESSION;

import dev.sendout.core.store.jooq.tables.records.SuppressionRecord;
import dev.sendout.core.support.AuditTrail;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's suppression list: the addresses and numbers its sendouts must not send to. One entry
 * per tenant, channel and normalised address ({@link SuppressionKey}); the first reason to put an
 * address there is the one kept, so adding is idempotent and a later event changes nothing.
 */
@Repository
public class SuppressionStore {

  /** The width of the source column: an event id or an API key's name, never a document. */
  public static final int MAX_SOURCE = 512;

  private final DSLContext db;
  private final AuditTrail audit;
  private final Clock clock;

  public SuppressionStore(DSLContext db, AuditTrail audit, Clock clock) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * One entry of the list.
   *
   * @param source what put it there, such as {@code sendgrid:bounce:<sg_event_id>} or {@code
   *     api:<key name>}
   */
  public record Entry(
      long id,
      Channel channel,
      String address,
      SuppressionReason reason,
      String source,
      Instant createdAt) {

    public SuppressionKey key() {
      return new SuppressionKey(channel, address);
    }
  }

  /** An entry to add: what {@link #add} takes besides the tenant. */
  public record NewEntry(SuppressionKey key, SuppressionReason reason, String source) {}

  /** The entry, and whether this call put it there (false: it was there already). */
  public record Added(Entry entry, boolean created) {}

  /** Which entries a listing shows; null fields filter nothing. */
  public record Filter(Channel channel, SuppressionReason reason) {}

  /** Where a page ends: the creation time and id of its last entry. */
  public record Position(Instant createdAt, long id) {}

  /** A page of entries, and where the next begins (null on the last page). */
  public record Page(List<Entry> items, Position next) {}

  /** Puts the address on the tenant's list, unless it is there already (then keeps that entry). */
  @Transactional
  public Added add(String tenantId, NewEntry entry) {
    Optional<Entry> inserted =
        db.insertInto(SUPPRESSION)
            .set(SUPPRESSION.TENANT_ID, tenantId)
            .set(SUPPRESSION.CHANNEL, entry.key().channel())
            .set(SUPPRESSION.ADDRESS, entry.key().address())
            .set(SUPPRESSION.REASON, entry.reason())
            .set(SUPPRESSION.SOURCE, source(entry.source()))
            .set(SUPPRESSION.CREATED_AT, now())
            .onConflictDoNothing()
            .returning()
            .fetchOptional()
            .map(SuppressionStore::toEntry);
    return inserted
        .map(e -> new Added(e, true))
        .orElseGet(() -> new Added(lookup(tenantId, entry.key()).orElseThrow(), false));
  }

  /** The tenant's entry for this address, if it is suppressed. */
  public Optional<Entry> lookup(String tenantId, SuppressionKey key) {
    return db.selectFrom(SUPPRESSION)
        .where(is(tenantId, key))
        .fetchOptional()
        .map(SuppressionStore::toEntry);
  }

  /**
   * Takes the address off the tenant's list and records who did in the tenant's audit trail, in one
   * transaction: the tenant's messages to it will be sent again, which someone must answer for.
   * Returns the entry removed, if there was one; removing what is not there records nothing.
   */
  @Transactional
  public Optional<Entry> remove(String tenantId, SuppressionKey key, String actor) {
    Optional<Entry> removed =
        db.deleteFrom(SUPPRESSION)
            .where(is(tenantId, key))
            .returning()
            .fetchOptional()
            .map(SuppressionStore::toEntry);
    removed.ifPresent(
        e ->
            audit.recordForTenant(
                tenantId,
                SupportActionType.SUPPRESSION_REMOVED,
                e.channel() + " " + e.address(),
                actor,
                "Was suppressed for %s since %s by %s"
                    .formatted(e.reason(), e.createdAt(), e.source())));
    return removed;
  }

  /**
   * The tenant's entries that pass the filter, newest first (ties by id, descending), after {@code
   * after} (null for the first page).
   */
  public Page list(String tenantId, Filter filter, Position after, int limit) {
    Condition where = SUPPRESSION.TENANT_ID.eq(tenantId);
    if (filter.channel() != null) {
      where = where.and(SUPPRESSION.CHANNEL.eq(filter.channel()));
    }
    if (filter.reason() != null) {
      where = where.and(SUPPRESSION.REASON.eq(filter.reason()));
    }
    if (after != null) {
      // One row comparison, which Postgres walks the index with.
      where =
          where.and(
              DSL.row(SUPPRESSION.CREATED_AT, SUPPRESSION.ID)
                  .lt(after.createdAt().atOffset(ZoneOffset.UTC), after.id()));
    }
    List<Entry> rows =
        db.selectFrom(SUPPRESSION)
            .where(where)
            .orderBy(SUPPRESSION.CREATED_AT.desc(), SUPPRESSION.ID.desc())
            .limit(limit + 1)
            .fetch(SuppressionStore::toEntry);
    if (rows.size() <= limit) {
      return new Page(rows, null);
    }
    List<Entry> page = rows.subList(0, limit);
    Entry last = page.get(page.size() - 1);
    return new Page(List.copyOf(page), new Position(last.createdAt(), last.id()));
  }

  /**
   * Adds many entries in one statement (an import); those already on the list keep their entry.
   * Returns how many were new.
   */
  @Transactional
  public int addAll(String tenantId, List<NewEntry> entries) {
    if (entries.isEmpty()) {
      return 0;
    }
    int n = entries.size();
    String[] channels = new String[n];
    String[] addresses = new String[n];
    String[] reasons = new String[n];
    String[] sources = new String[n];
    for (int i = 0; i < n; i++) {
      NewEntry e = entries.get(i);
      channels[i] = e.key().channel().name();
      addresses[i] = e.key().address();
      reasons[i] = e.reason().name();
      sources[i] = source(e.source());
    }
    return db.execute(
        """
        insert into suppression (tenant_id, channel, address, reason, source, created_at)
        select {0}, e.channel, e.address, e.reason, e.source, {1}
          from unnest({2}, {3}, {4}, {5}) as e (channel, address, reason, source)
        on conflict do nothing
        """,
        DSL.val(tenantId),
        DSL.val(now()),
        DSL.val(channels),
        DSL.val(addresses),
        DSL.val(reasons),
        DSL.val(sources));
  }

  /**
   * A provider event that suppresses the recipient of one of our messages.
   *
   * @param source the event, such as {@code sendgrid:bounce:<sg_event_id>}
   */
  public record FromMessage(UUID messageId, SuppressionReason reason, String source) {}

  /**
   * Puts the recipients of these messages on their sendouts' tenants' lists, each in its sendout's
   * channel, in one statement; those already there keep their entry. The address is the message's
   * own, normalised as the gate compares it. Only messages handed to a provider call count: an
   * event naming one never sent (a provider's bug, or a key that leaked) suppresses nothing.
   * Returns how many were new.
   */
  public int addForMessages(List<FromMessage> events) {
    if (events.isEmpty()) {
      return 0;
    }
    return db.execute(
        """
        insert into suppression (tenant_id, channel, address, reason, source, created_at)
        select s.tenant_id, s.channel, %s, e.reason, e.source, {0}
          from unnest({1}, {2}, {3}) as e (id, reason, source)
          join message m on m.id = e.id
          join sendout s on s.id = m.sendout_id
         where m.attempt_count > 0
        on conflict do nothing
        """
            .formatted(SuppressionGate.NORMALISED_ADDRESS),
        DSL.val(now()),
        DSL.val(events.stream().map(FromMessage::messageId).toArray(UUID[]::new)),
        DSL.val(events.stream().map(e -> e.reason().name()).toArray(String[]::new)),
        DSL.val(events.stream().map(e -> source(e.source())).toArray(String[]::new)));
  }

  private static Condition is(String tenantId, SuppressionKey key) {
    return SUPPRESSION
        .TENANT_ID
        .eq(tenantId)
        .and(SUPPRESSION.CHANNEL.eq(key.channel()))
        .and(SUPPRESSION.ADDRESS.eq(key.address()));
  }

  private static String source(String source) {
    return source.length() <= MAX_SOURCE ? source : source.substring(0, MAX_SOURCE);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  private static Entry toEntry(SuppressionRecord r) {
    return new Entry(
        r.getId(),
        r.getChannel(),
        r.getAddress(),
        r.getReason(),
        r.getSource(),
        r.getCreatedAt().toInstant());
  }
}
