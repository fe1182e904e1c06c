package dev.sendout.core.delivery;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;

import java.util.UUID;
import org.jooq.Condition;

/**
 * Where the messages of one provider call lie: a range of their sendout's sequence numbers. The
 * statements that record the call's outcome name it beside the messages' ids, so that Postgres
 * finds the rows through the (sendout, seq) index, whatever the size of the message table and
 * however stale its statistics: by id alone, a thousand ids were matched with a scan of the whole
 * table as soon as the planner took the table for small (right after a sendout's COPY), which made
 * every batch cost as much as the table.
 *
 * @param fromSeq the first sequence number of the range
 * @param toSeq one past the last
 */
public record SendScope(UUID sendoutId, int fromSeq, int toSeq) {

  Condition condition() {
    return MESSAGE.SENDOUT_ID.eq(sendoutId).and(MESSAGE.SEQ.ge(fromSeq)).and(MESSAGE.SEQ.lt(toSeq));
  }
}
