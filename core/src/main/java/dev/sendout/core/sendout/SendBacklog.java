package dev.sendout.core.sendout;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.jooq.impl.DSL.inline;

import dev.sendout.workflows.message.MessageStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

/**
 * How far the engine is behind its sends: the messages that are due and that no provider has
 * accepted yet. It is what an overload leaves behind, and what the api sheds new work by.
 */
@Repository
public class SendBacklog {

  private final DSLContext db;

  public SendBacklog(DSLContext db) {
    this.db = db;
  }

  /**
   * Messages QUEUED or RELEASED of unfinished sendouts whose send time has come and that are
   * neither paused nor cancelled. Only unfinished sendouts are read (an index holds just those),
   * and their messages through the (sendout, status) index; statuses are inlined so that a cached
   * plan keeps using it.
   */
  public int count() {
    return db.selectCount()
        .from(SENDOUT)
        .join(MESSAGE)
        .on(MESSAGE.SENDOUT_ID.eq(SENDOUT.ID))
        .where(SENDOUT.COMPLETED_AT.isNull())
        .and(SENDOUT.SEND_AT.le(OffsetDateTime.now(ZoneOffset.UTC)))
        .and(SENDOUT.PAUSED_AT.isNull())
        .and(SENDOUT.CANCELLED_AT.isNull())
        .and(
            MESSAGE.STATUS.in(
                inline(MessageStatus.QUEUED, MESSAGE.STATUS),
                inline(MessageStatus.RELEASED, MESSAGE.STATUS)))
        .fetchSingle()
        .value1();
  }
}
