package dev.sendout.core.response;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;

import dev.sendout.core.response.RecordedResponse.Outcome;
import dev.sendout.core.store.jooq.tables.Message;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record4;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.springframework.stereotype.Repository;

/**
 * Survey responses on the messages of a sendout. A response sets {@code message.responded_at} once:
 * the first recorded wins, and no later or repeated report changes or clears it. It is no part of
 * the delivery state machine, so it is recorded whatever the message's status (a recipient may
 * answer through a link we never saw delivered), and it moves no status.
 *
 * <p>A response is the recipient's, so it is recorded on the invitation: one naming a reminder
 * message by id lands on the invitation that reminder reminds about, and one naming an address
 * matches invitations only.
 *
 * <p>A batch of responses is one statement: the reported keys go in as arrays ({@code unnest}), are
 * matched to messages by id, externalId or address, and the messages without a response are
 * updated, all set-based; its cost does not grow with a statement per response.
 */
@Repository
public class ResponseStore {

  /** The most responses one call takes; a bound on the arrays of one statement. */
  public static final int MAX_BATCH = 1000;

  /**
   * Matches each reported response to the sendout's messages (by id, externalId or address, each a
   * lookup in its own index: a lateral join, so that a batch costs a thousand index probes however
   * large the sendout), picks per message the earliest response of the batch (the first reported on
   * a tie), locks in id order the messages that have no response yet (so that two batches over the
   * same messages wait for each other rather than deadlock), and sets their time. Returns a row per
   * match: the item, the message, whether this item recorded it, and the time the message holds
   * now. The final select sees the table as it was before the update, hence the coalesce.
   */
  private static final String RECORD_SQL =
      """
      with input as (
        select * from unnest(?::int[], ?::uuid[], ?::text[], ?::text[], ?::timestamptz[])
          as t(item, message_id, external_id, address, responded_at)
      ),
      matched as (
        select i.item, m.id, i.responded_at, m.responded_at as earlier
          from input i
          cross join lateral (
            select v.id, v.responded_at from message r
              join message v on v.id = coalesce(r.reminds_message_id, r.thanks_message_id, r.id)
             where i.message_id is not null and r.id = i.message_id and r.sendout_id = ?
            union all
            select id, responded_at from message
             where i.external_id is not null and sendout_id = ? and external_id = i.external_id
            union all
            select id, responded_at from message
             where i.address is not null and sendout_id = ? and lower(address) = lower(i.address)
               and reminds_message_id is null and thanks_message_id is null
          ) m
      ),
      chosen as (
        select distinct on (id) id, item, responded_at
          from matched where earlier is null
         order by id, responded_at, item
      ),
      locked as (
        select m.id, c.item, c.responded_at from message m join chosen c on c.id = m.id
         where m.responded_at is null
         order by m.id
           for update of m
      ),
      recorded as (
        update message m set responded_at = l.responded_at
          from locked l
         where m.id = l.id and m.responded_at is null
        returning m.id, l.item, m.responded_at
      )
      select mt.item, mt.id, (r.item is not null and r.item = mt.item) as recorded,
             coalesce(mt.earlier, r.responded_at, c.responded_at) as responded_at
        from matched mt
        left join recorded r on r.id = mt.id
        left join chosen c on c.id = mt.id
      """;

  /**
   * Whether the recipient of the sendout's message {@code message} responded: to any invitation to
   * the same address in the sendout, since a response is the recipient's, whichever of their
   * invitations it names. For an {@code UPDATE} or {@code SELECT} of the table {@code message}
   * itself, unaliased (one probe of {@code message_sendout_address_idx}).
   */
  public static final Condition RECIPIENT_RESPONDED = recipientResponded();

  private static Condition recipientResponded() {
    Message other = MESSAGE.as("responder");
    return DSL.exists(
        DSL.selectOne()
            .from(other)
            .where(other.SENDOUT_ID.eq(MESSAGE.SENDOUT_ID))
            .and(DSL.lower(other.ADDRESS).eq(DSL.lower(MESSAGE.ADDRESS)))
            .and(other.RESPONDED_AT.isNotNull()));
  }

  private final DSLContext db;

  public ResponseStore(DSLContext db) {
    this.db = db;
  }

  /**
   * Records a batch of responses to the sendout's messages in one statement and returns one result
   * per response, in the order given. Idempotent: repeating the batch records nothing new and
   * answers {@link Outcome#ALREADY_RECORDED} with the times first recorded.
   */
  public List<RecordedResponse> record(UUID sendoutId, List<ReportedResponse> responses) {
    if (responses.size() > MAX_BATCH) {
      throw new IllegalArgumentException("At most " + MAX_BATCH + " responses per batch");
    }
    if (responses.isEmpty()) {
      return List.of();
    }
    int n = responses.size();
    Integer[] items = new Integer[n];
    UUID[] messageIds = new UUID[n];
    String[] externalIds = new String[n];
    String[] addresses = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      ReportedResponse r = responses.get(i);
      items[i] = i;
      messageIds[i] = r.messageId();
      externalIds[i] = r.externalId();
      addresses[i] = r.address();
      times[i] = r.respondedAt().atOffset(ZoneOffset.UTC);
    }
    // One entry per response, filled from its matches: a response that matched none stays UNKNOWN.
    TreeMap<Integer, Match> byItem = new TreeMap<>();
    db.resultQuery(
            RECORD_SQL,
            DSL.val(items, SQLDataType.INTEGER.array()),
            DSL.val(messageIds, SQLDataType.UUID.array()),
            DSL.val(externalIds, SQLDataType.VARCHAR.array()),
            DSL.val(addresses, SQLDataType.VARCHAR.array()),
            DSL.val(times, SQLDataType.TIMESTAMPWITHTIMEZONE.array()),
            DSL.val(sendoutId),
            DSL.val(sendoutId),
            DSL.val(sendoutId))
        .coerce(
            DSL.field("item", SQLDataType.INTEGER),
            DSL.field("id", SQLDataType.UUID),
            DSL.field("recorded", SQLDataType.BOOLEAN),
            DSL.field("responded_at", SQLDataType.TIMESTAMPWITHTIMEZONE))
        .forEach(row -> byItem.computeIfAbsent(row.value1(), k -> new Match()).add(row));
    List<RecordedResponse> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int item = responses.get(i).item();
      Match match = byItem.get(i);
      results.add(
          match == null
              ? new RecordedResponse(item, Outcome.UNKNOWN, null, null)
              : new RecordedResponse(
                  item,
                  match.recorded ? Outcome.RECORDED : Outcome.ALREADY_RECORDED,
                  match.messageId,
                  match.respondedAt));
    }
    return results;
  }

  /**
   * The messages one response matched: recorded if it recorded any, and named by one it recorded,
   * else by any of them (the least id, so that a repeat answers the same).
   */
  private static final class Match {
    private boolean recorded;
    private UUID messageId;
    private Instant respondedAt;

    void add(Record4<Integer, UUID, Boolean, OffsetDateTime> row) {
      boolean recordedHere = Boolean.TRUE.equals(row.value3());
      if (messageId == null
          || recordedHere && !recorded
          || recordedHere == recorded && row.value2().compareTo(messageId) < 0) {
        messageId = row.value2();
        respondedAt = row.value4() == null ? null : row.value4().toInstant();
      }
      recorded |= recordedHere;
    }
  }
}
