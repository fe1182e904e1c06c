package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.AUDIT_EVENT;

import dev.sendout.core.store.jooq.tables.records.AuditEventRecord;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.springframework.stereotype.Repository;

/**
 * Who did what to a sendout and when: the support actions and what the watchdog did itself; and
 * what was done to a tenant's suppression list, which concerns no one sendout.
 */
@Repository
public class AuditTrail {

  /** What the watchdog records as its actor. */
  public static final String WATCHDOG = "watchdog";

  private final DSLContext db;
  private final Clock clock;

  public AuditTrail(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** One entry of the trail. */
  public record Entry(
      String actionId,
      SupportActionType action,
      String actor,
      String note,
      int messages,
      Instant at) {}

  /**
   * Records an action once: a second call with the same action id (a retried activity) changes
   * nothing. Returns whether this call recorded it.
   */
  public boolean record(
      UUID sendoutId,
      String actionId,
      SupportActionType action,
      String actor,
      String note,
      int messages) {
    return recordAll(sendoutId, List.of(new Action(actionId, action, actor, note, messages))) == 1;
  }

  /** An entry to record: what {@link #record} takes besides the sendout. */
  public record Action(
      String actionId, SupportActionType action, String actor, String note, int messages) {}

  /** Records several actions on one sendout in one statement; returns how many were new. */
  public int recordAll(UUID sendoutId, List<Action> actions) {
    return insertAll(sendoutId, actions).execute();
  }

  /**
   * The statement {@link #recordAll} executes, for a caller that sends it in one batch with
   * statements of its own.
   */
  Query insertAll(UUID sendoutId, List<Action> actions) {
    return insertAll(Map.of(sendoutId, actions));
  }

  /** {@link #insertAll(UUID, List)} for the actions of several sendouts, in one statement. */
  Query insertAll(Map<UUID, List<Action>> bySendout) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    var insert =
        db.insertInto(
            AUDIT_EVENT,
            AUDIT_EVENT.SENDOUT_ID,
            AUDIT_EVENT.ACTION_ID,
            AUDIT_EVENT.ACTION,
            AUDIT_EVENT.ACTOR,
            AUDIT_EVENT.NOTE,
            AUDIT_EVENT.MESSAGES,
            AUDIT_EVENT.AT);
    for (var sendout : bySendout.entrySet()) {
      for (Action a : sendout.getValue()) {
        insert =
            insert.values(
                sendout.getKey(), a.actionId(), a.action(), a.actor(), a.note(), a.messages(), now);
      }
    }
    return insert.onConflictDoNothing();
  }

  /** True once the action with this id is in the sendout's trail. */
  public boolean contains(UUID sendoutId, String actionId) {
    return db.fetchExists(
        AUDIT_EVENT, AUDIT_EVENT.SENDOUT_ID.eq(sendoutId).and(AUDIT_EVENT.ACTION_ID.eq(actionId)));
  }

  /**
   * Records an action on the tenant itself rather than on one of its sendouts, such as taking an
   * address off its suppression list.
   *
   * @param subject what the action was taken on, such as the address
   */
  public void recordForTenant(
      String tenantId, SupportActionType action, String subject, String actor, String note) {
    db.insertInto(AUDIT_EVENT)
        .set(AUDIT_EVENT.TENANT_ID, tenantId)
        .set(AUDIT_EVENT.ACTION_ID, UUID.randomUUID().toString())
        .set(AUDIT_EVENT.ACTION, action)
        .set(AUDIT_EVENT.SUBJECT, subject)
        .set(AUDIT_EVENT.ACTOR, actor)
        .set(AUDIT_EVENT.NOTE, note)
        .set(AUDIT_EVENT.MESSAGES, 0)
        .set(AUDIT_EVENT.AT, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
        .execute();
  }

  /** One entry of a tenant's own trail: {@link Entry} with what it was taken on. */
  public record TenantEntry(
      SupportActionType action, String subject, String actor, String note, Instant at) {}

  /** The tenant's own trail (not its sendouts'), oldest first. */
  public List<TenantEntry> listForTenant(String tenantId) {
    return db.selectFrom(AUDIT_EVENT)
        .where(AUDIT_EVENT.TENANT_ID.eq(tenantId))
        .and(AUDIT_EVENT.SENDOUT_ID.isNull())
        .orderBy(AUDIT_EVENT.ID)
        .fetch(
            r ->
                new TenantEntry(
                    r.getAction(),
                    r.getSubject(),
                    r.getActor(),
                    r.getNote(),
                    r.getAt().toInstant()));
  }

  /** Whether the sendout's trail has an entry of one of these actions. */
  public boolean has(UUID sendoutId, Collection<SupportActionType> actions) {
    return db.fetchExists(
        AUDIT_EVENT, AUDIT_EVENT.SENDOUT_ID.eq(sendoutId).and(AUDIT_EVENT.ACTION.in(actions)));
  }

  /** An entry of a sendout's trail with its place in it, from which the next page goes on. */
  public record Listed(long id, Entry entry) {}

  /**
   * The sendout's trail, oldest first: at most {@code limit} entries after place {@code afterId}.
   */
  public List<Listed> list(UUID sendoutId, long afterId, int limit) {
    return db.selectFrom(AUDIT_EVENT)
        .where(AUDIT_EVENT.SENDOUT_ID.eq(sendoutId))
        .and(AUDIT_EVENT.ID.gt(afterId))
        .orderBy(AUDIT_EVENT.ID)
        .limit(limit)
        .fetch(r -> new Listed(r.getId(), entry(r)));
  }

  /** The sendout's earliest entry with one of these action ids, if it has one. */
  public Optional<Entry> find(UUID sendoutId, Collection<String> actionIds) {
    return db.selectFrom(AUDIT_EVENT)
        .where(AUDIT_EVENT.SENDOUT_ID.eq(sendoutId))
        .and(AUDIT_EVENT.ACTION_ID.in(actionIds))
        .orderBy(AUDIT_EVENT.ID)
        .limit(1)
        .fetchOptional(AuditTrail::entry);
  }

  private static Entry entry(AuditEventRecord r) {
    return new Entry(
        r.getActionId(),
        r.getAction(),
        r.getActor(),
        r.getNote(),
        r.getMessages(),
        r.getAt().toInstant());
  }
}
