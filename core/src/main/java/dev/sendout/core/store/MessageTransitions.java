package dev.sendout.core.store;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.BOUNCED;
import static dev.sendout.workflows.message.MessageStatus.CANCELLED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.DROPPED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.SUPPRESSED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;

import dev.sendout.core.store.jooq.tables.records.MessageRecord;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SeqRange;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/**
 * The message state machine applied in SQL. Every status change goes through {@link #moveTo}, which
 * only touches rows whose current status may lead to the target ({@link
 * MessageStatus#predecessorsOf}): an illegal transition updates nothing. The features' message
 * queries share its small SQL helpers.
 */
@Component
public class MessageTransitions {

  private final DSLContext db;
  private final Clock clock;

  public MessageTransitions(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Applies one transition to the rows matching {@code which} that may make it, stamping the
   * target's timestamp column and clearing the in-flight mark. Returns how many rows moved.
   */
  public int moveTo(
      MessageStatus target, Condition which, OffsetDateTime now, Map<Field<?>, ?> alsoSet) {
    Map<Field<?>, Object> set = new HashMap<>(alsoSet);
    set.put(MESSAGE.STATUS, target);
    set.put(timestampOf(target), now);
    set.put(MESSAGE.SEND_STARTED_AT, null);
    return db.update(MESSAGE)
        .set(set)
        .where(which)
        .and(MESSAGE.STATUS.in(MessageStatus.predecessorsOf(target)))
        .execute();
  }

  public OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /**
   * The messages that belong to a batch: those in its range that it claimed, or that no batch has
   * claimed yet. A message sent again (a resend) belongs to the batch that resent it, so that the
   * batch it was first sent in stops counting it and no message is counted twice.
   */
  public static Condition inBatch(SendBatch batch) {
    return MESSAGE
        .SENDOUT_ID
        .eq(UUID.fromString(batch.sendoutId()))
        .and(MESSAGE.SEQ.ge(batch.fromSeq()))
        .and(MESSAGE.SEQ.lt(batch.toSeq()))
        .and(MESSAGE.BATCH_NO.isNull().or(MESSAGE.BATCH_NO.eq(batch.batchNo())));
  }

  /**
   * The sequence numbers {@code seqs} selects (of one sendout's messages, a column named {@code
   * seq}) as runs of consecutive numbers, in order, at most {@code limit} runs.
   */
  public static List<SeqRange> runs(
      DSLContext db, Select<? extends Record1<Integer>> seqs, int limit) {
    return db.resultQuery(
            """
            select min(seq), max(seq) + 1 from (
              select seq, seq - row_number() over (order by seq) as run from ({0}) selected
            ) runs group by run order by 1 limit {1}""",
            seqs, DSL.inline(limit))
        .fetch(r -> new SeqRange(r.get(0, Integer.class), r.get(1, Integer.class)));
  }

  /** The messages whose sequence numbers lie in the range, of whichever sendout. */
  public static Condition inRange(SeqRange range) {
    return MESSAGE.SEQ.ge(range.fromSeq()).and(MESSAGE.SEQ.lt(range.toSeq()));
  }

  public static TableField<MessageRecord, OffsetDateTime> timestampOf(MessageStatus status) {
    return switch (status) {
      case QUEUED -> MESSAGE.QUEUED_AT;
      case RELEASED -> MESSAGE.RELEASED_AT;
      case ACCEPTED -> MESSAGE.ACCEPTED_AT;
      case UNCONFIRMED -> MESSAGE.UNCONFIRMED_AT;
      case DELIVERED, BOUNCED, DROPPED, FAILED, CANCELLED, SUPPRESSED -> MESSAGE.FINISHED_AT;
    };
  }

  public static <T> Field<T[]> array(Collection<T> values, IntFunction<T[]> newArray) {
    return DSL.val(values.toArray(newArray));
  }

  /**
   * The messages with these ids, the ids written into the statement as one array constant. Bound,
   * the array is text cast to {@code uuid[]}, and Postgres does not fold that cast ({@code
   * array_in} is not immutable): a sequential scan then parses the whole array again for every row
   * it meets. A table without statistics yet is scanned that way, and on a fresh database a sendout
   * of 20,000 recipients took 14 s per statement of a batch's 1,000 ids instead of 18 ms; receipts
   * queued behind them and the api's reads timed out. A constant is read once, is hashed in a scan,
   * and lets the planner count it. Ids are UUIDs: nothing in them needs escaping.
   */
  public static Condition byIds(Collection<UUID> ids) {
    return MESSAGE.ID.eq(DSL.any(DSL.inline(ids.toArray(UUID[]::new))));
  }

  /**
   * {@code field} is one of {@code values}, bound as one array that the statement reads once (a
   * set, not {@code field = any(?)}, whose cast a scan repeats for every row: see {@link #byIds}).
   * For values that are not UUIDs, which are bound rather than written into the statement.
   */
  public static <T> Condition oneOf(
      Field<T> field, Collection<T> values, IntFunction<T[]> newArray) {
    Field<T> value = DSL.field(DSL.name("value"), field.getDataType());
    return field.in(
        DSL.select(value).from(DSL.unnest(array(values, newArray)).as("values", "value")));
  }
}
