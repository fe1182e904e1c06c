package dev.sendout.core.response;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record1;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Thank-you messages: each recipient whose response is recorded gets one, as a QUEUED message of
 * the sendout numbered after the others, when the sendout declares a thank-you, is still open and
 * the survey has not closed. A response and its thank-you are stored in one transaction, together
 * or not at all.
 *
 * <p>The thank-yous are handed to the workflow the way API additions are: a {@code
 * recipient_addition} row, in the same transaction, is their outbox, which the addition relay
 * reads. A thank-you is never queued twice for one invitation: a response is recorded once, and the
 * unique index on {@code thanks_message_id} is the last guard.
 */
@Repository
public class ThankYous {

  /**
   * The thank-yous for the given invitations, numbered from {@code {1}} in sequence order: not for
   * a reminder or a thank-you, nor for an invitation that failed hard or was suppressed, nor twice
   * to one recipient (an address: invited twice, they may respond through each invitation, in one
   * batch or two).
   */
  private static final String INSERT =
      """
      insert into message (id, sendout_id, seq, address, display_name, variables, status,
                           queued_at, time_zone, thanks_message_id)
      select gen_random_uuid(), m.sendout_id, {1} + (row_number() over (order by m.seq))::int - 1,
             m.address, m.display_name, m.variables, 'QUEUED', {2}, m.time_zone, m.id
        from (select distinct on (lower(m.address)) m.*
                from message m
               where m.sendout_id = {0} and m.id in (select unnest({3}))
                 and m.reminds_message_id is null and m.thanks_message_id is null
                 and m.status not in ('FAILED', 'BOUNCED', 'DROPPED', 'SUPPRESSED')
                 and not exists (select 1 from message t
                                  where t.sendout_id = m.sendout_id
                                    and lower(t.address) = lower(m.address)
                                    and t.thanks_message_id is not null)
               order by lower(m.address), m.seq) m
      """;

  private final DSLContext db;
  private final ResponseStore responses;
  private final Clock clock;

  public ThankYous(DSLContext db, ResponseStore responses, Clock clock) {
    this.db = db;
    this.responses = responses;
    this.clock = clock;
  }

  /**
   * Records a batch of responses ({@link ResponseStore#record}) and queues a thank-you for each
   * recipient it recorded, if the sendout thanks its respondents and is still open.
   *
   * <p>The sendout's row is locked first, as the survey's close locks it: thank-yous queued before
   * the close are cancelled by it (it sees them), and none is queued after it.
   */
  @Transactional
  public List<RecordedResponse> record(UUID sendoutId, List<ReportedResponse> batch) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    Integer nextSeq =
        db.resultQuery(
                """
                select recipient_count from sendout
                 where id = {0} and thank_you is not null and closes_at > {1}
                   and closed_at is null and completed_at is null and cancelled_at is null
                   for update
                """,
                DSL.val(sendoutId), DSL.val(now))
            .coerce(DSL.field("recipient_count", SQLDataType.INTEGER))
            .fetchOne(Record1::value1);
    List<RecordedResponse> recorded = responses.record(sendoutId, batch);
    if (nextSeq != null) {
      queue(sendoutId, nextSeq, now, recorded);
    }
    return recorded;
  }

  private void queue(
      UUID sendoutId, int from, OffsetDateTime now, List<RecordedResponse> recorded) {
    UUID[] responded =
        recorded.stream()
            .filter(r -> r.outcome() == RecordedResponse.Outcome.RECORDED)
            .map(RecordedResponse::messageId)
            .distinct()
            .toArray(UUID[]::new);
    if (responded.length == 0) {
      return;
    }
    int queued =
        db.query(
                INSERT,
                DSL.val(sendoutId),
                DSL.val(from),
                DSL.val(now),
                DSL.val(responded, SQLDataType.UUID.array()))
            .execute();
    if (queued == 0) {
      return;
    }
    db.query(
            "update sendout set recipient_count = recipient_count + {0},"
                + " thank_you_messages = thank_you_messages + {0} where id = {1}",
            DSL.val(queued), DSL.val(sendoutId))
        .execute();
    // The hand-off's outbox, under a random key that no caller's Idempotency-Key collides with.
    db.query(
            """
            insert into recipient_addition (sendout_id, idempotency_key, request_hash, from_seq,
                                            to_seq, created_at)
            values ({0}, 'thank-you ' || gen_random_uuid(), 'thank-you', {1}, {2}, {3})
            """,
            DSL.val(sendoutId), DSL.val(from), DSL.val(from + queued), DSL.val(now))
        .execute();
  }
}
