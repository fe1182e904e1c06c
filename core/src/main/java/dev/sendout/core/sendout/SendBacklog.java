package dev.sendout.core.sendout;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.RECIPIENT_ADDITION;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.jooq.impl.DSL.inline;

import dev.sendout.core.store.jooq.tables.Sendout;
import dev.sendout.workflows.message.MessageStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.SelectConditionStep;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * How far the engine is behind: the messages that are due and that no provider has accepted yet,
 * and the workflow work not done yet. It is what an overload leaves behind, and what the api sheds
 * new work by.
 */
@Repository
public class SendBacklog {

  private final DSLContext db;

  public SendBacklog(DSLContext db) {
    this.db = db;
  }

  /**
   * Messages QUEUED or RELEASED of unfinished sendouts whose send time has come and that are
   * neither paused nor cancelled, leaving out those waiting for a delivery window that is closed;
   * counted up to {@code atMost}, where the count stops. Only unfinished sendouts are read (an
   * index holds just those), and their messages through the (sendout, status) index.
   *
   * <p>Each message counted is a read of its row (the window is not in the index), and the bound
   * needs only to know whether the backlog is over it: uncapped, a released sendout of a million
   * messages was read in full every second while it was sent.
   */
  public int count(int atMost) {
    return db.fetchCount(dueMessages(SENDOUT).limit(atMost));
  }

  /**
   * The same count for each tenant that has any, each counted up to {@code atMost}: what the api
   * asks once the backlog is over its bound, to refuse the tenants that hold it and not the others.
   */
  public Map<String, Integer> countByTenant(int atMost) {
    var tenants =
        DSL.selectDistinct(SENDOUT.TENANT_ID).from(SENDOUT).where(due(SENDOUT)).asTable("t");
    Field<String> tenant = tenants.field(SENDOUT.TENANT_ID);
    Sendout sendout = SENDOUT.as("s");
    Field<Integer> behind =
        DSL.field(
            DSL.selectCount()
                .from(dueMessages(sendout).and(sendout.TENANT_ID.eq(tenant)).limit(atMost)));
    return db.select(tenant, behind).from(tenants).fetchMap(tenant, behind);
  }

  /** Due and unsent messages of unfinished sendouts, one row each. */
  private static SelectConditionStep<Record1<Integer>> dueMessages(Sendout sendout) {
    return DSL.selectOne()
        .from(sendout)
        .join(MESSAGE)
        .on(MESSAGE.SENDOUT_ID.eq(sendout.ID))
        .where(due(sendout))
        .and(dueAndUnsent());
  }

  /** Unfinished, due, neither paused nor cancelled. */
  private static Condition due(Sendout sendout) {
    return sendout
        .COMPLETED_AT
        .isNull()
        .and(sendout.SEND_AT.le(OffsetDateTime.now(ZoneOffset.UTC)))
        .and(sendout.PAUSED_AT.isNull())
        .and(sendout.CANCELLED_AT.isNull());
  }

  /** A QUEUED or RELEASED message of the sendout that does not wait for a closed window. */
  private static Select<?> dueMessageOf(Field<UUID> sendoutId) {
    return DSL.selectOne()
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(dueAndUnsent());
  }

  /**
   * QUEUED or RELEASED, and not waiting for a delivery window that is closed: messages waiting for
   * their window are no work for the workers until it opens. Statuses are inlined so that a cached
   * plan keeps using the (sendout, status) index.
   */
  private static Condition dueAndUnsent() {
    return MESSAGE
        .STATUS
        .in(
            inline(MessageStatus.QUEUED, MESSAGE.STATUS),
            inline(MessageStatus.RELEASED, MESSAGE.STATUS))
        .and(
            MESSAGE
                .WINDOW_OPENS_AT
                .isNull()
                .or(MESSAGE.WINDOW_OPENS_AT.le(OffsetDateTime.now(ZoneOffset.UTC))));
  }

  /**
   * The workflow work behind: sendouts due and not sent yet (accepted, but their workflow has not
   * started, released them or handed every message to a provider), and sendouts with recipient
   * additions not yet handed to their workflow. A flood of one-recipient sendouts shows here long
   * before it shows as messages, and counting up to the send, not only the release, holds such a
   * flood to what the workflows get through: releasing is quick, the work comes after it. By
   * tenant: only tenants with some are in it.
   */
  public Map<String, Integer> pendingWorkflowWorkByTenant() {
    Map<String, Integer> byTenant = new HashMap<>();
    db.select(SENDOUT.TENANT_ID, DSL.count())
        .from(SENDOUT)
        .where(due(SENDOUT))
        .and(SENDOUT.SENT_AT.isNull())
        // A sendout whose unsent messages all wait for a closed window has nothing to do until it
        // opens: counting it would hold back every caller through a whole night.
        .and(SENDOUT.DELIVERY_WINDOW.isNull().or(DSL.exists(dueMessageOf(SENDOUT.ID))))
        .groupBy(SENDOUT.TENANT_ID)
        .forEach(r -> byTenant.merge(r.value1(), r.value2(), Integer::sum));
    // Counted by sendout: one signal hands over every addition a sendout has waiting. Before its
    // send time a sendout's additions wait for their hand-off longer, and are no work until then.
    db.select(SENDOUT.TENANT_ID, DSL.countDistinct(RECIPIENT_ADDITION.SENDOUT_ID))
        .from(RECIPIENT_ADDITION)
        .join(SENDOUT)
        .on(SENDOUT.ID.eq(RECIPIENT_ADDITION.SENDOUT_ID))
        .where(RECIPIENT_ADDITION.HANDED_OVER_AT.isNull())
        .and(SENDOUT.SEND_AT.le(OffsetDateTime.now(ZoneOffset.UTC)))
        .groupBy(SENDOUT.TENANT_ID)
        .forEach(r -> byTenant.merge(r.value1(), r.value2(), Integer::sum));
    return byTenant;
  }

  /**
   * Sendouts sent since {@code since}: the pace at which the workflows get through the work that
   * {@link #pendingWorkflowWork()} counts. A short range of an index on the send time.
   */
  public int sentSince(OffsetDateTime since) {
    return db.fetchCount(SENDOUT, SENDOUT.SENT_AT.ge(since));
  }
}
