package dev.sendout.activities.store;

import static dev.sendout.activities.store.SendoutStore.instant;
import static dev.sendout.activities.store.jooq.Tables.MESSAGE;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.BOUNCED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.DROPPED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static org.jooq.impl.DSL.any;

import dev.sendout.activities.store.NewSendout.Recipient;
import dev.sendout.activities.store.jooq.tables.records.MessageRecord;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SendTally;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Messages in Postgres. Every status change goes through {@link #moveTo}, which only touches rows
 * whose current status may lead to the target ({@link MessageStatus#predecessorsOf}): an illegal
 * transition updates nothing.
 */
@Repository
public class MessageStore {

  /** COPY is sent to the server in chunks of about this many bytes, so memory stays bounded. */
  private static final int COPY_CHUNK_BYTES = 1 << 20;

  private static final String COPY_SQL =
      "COPY message (id, sendout_id, seq, address, display_name, variables, status, queued_at)"
          + " FROM STDIN WITH (FORMAT csv)";

  /** States a message reaches only after the provider accepted it. */
  private static final Set<MessageStatus> TAKEN_BY_PROVIDER =
      EnumSet.of(ACCEPTED, DELIVERED, BOUNCED, DROPPED);

  private final DSLContext db;
  private final Clock clock;

  public MessageStore(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Inserts the recipients as QUEUED messages numbered 0..n-1, with COPY. Call in a transaction.
   */
  void insertQueued(UUID sendoutId, List<Recipient> recipients, OffsetDateTime now) {
    db.connection(
        connection -> {
          CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
          try {
            StringBuilder rows = new StringBuilder(COPY_CHUNK_BYTES + 4096);
            for (int seq = 0; seq < recipients.size(); seq++) {
              Recipient r = recipients.get(seq);
              rows.append(UUID.randomUUID()).append(',').append(sendoutId).append(',').append(seq);
              rows.append(',').append(csv(r.address())).append(',').append(csv(r.displayName()));
              rows.append(',').append(csv(Json.write(r.variables())));
              rows.append(',').append(MessageStatus.QUEUED).append(',').append(now).append('\n');
              if (rows.length() >= COPY_CHUNK_BYTES) {
                write(copy, rows);
              }
            }
            write(copy, rows);
            copy.endCopy();
          } finally {
            if (copy.isActive()) {
              copy.cancelCopy();
            }
          }
        });
  }

  void releaseQueued(UUID sendoutId, OffsetDateTime now) {
    moveTo(RELEASED, MESSAGE.SENDOUT_ID.eq(sendoutId), now, Map.of());
  }

  /**
   * Claims the batch's unsent messages for one provider call: marks them as in flight and counts
   * the attempt. Messages an earlier attempt left in flight (its worker died, or it timed out while
   * the provider may have taken them) are moved to UNCONFIRMED instead of being sent again.
   */
  @Transactional
  public List<OutgoingMessage> claimForSend(UUID sendoutId, int fromSeq, int toSeq) {
    OffsetDateTime now = now();
    Condition batch =
        MESSAGE.SENDOUT_ID.eq(sendoutId).and(MESSAGE.SEQ.ge(fromSeq)).and(MESSAGE.SEQ.lt(toSeq));
    moveTo(
        UNCONFIRMED,
        batch.and(MESSAGE.SEND_STARTED_AT.isNotNull()),
        now,
        Map.of(MESSAGE.LAST_ERROR, "Send outcome unknown: an earlier attempt broke off mid-call"));
    return db.update(MESSAGE)
        .set(MESSAGE.SEND_STARTED_AT, now)
        .set(MESSAGE.ATTEMPT_COUNT, MESSAGE.ATTEMPT_COUNT.plus(1))
        .where(batch)
        .and(MESSAGE.STATUS.eq(RELEASED))
        .and(MESSAGE.SEND_STARTED_AT.isNull())
        .returning(
            MESSAGE.ID, MESSAGE.SEQ, MESSAGE.ADDRESS, MESSAGE.DISPLAY_NAME, MESSAGE.VARIABLES)
        .fetch()
        .sortAsc(MESSAGE.SEQ)
        .map(
            r ->
                new OutgoingMessage(
                    r.getId(),
                    r.getAddress(),
                    r.getDisplayName(),
                    Json.readStringMap(r.getVariables())));
  }

  public int markAccepted(Collection<UUID> ids, String providerMessageId) {
    return moveTo(
        ACCEPTED, byIds(ids), now(), Map.of(MESSAGE.PROVIDER_MESSAGE_ID, providerMessageId));
  }

  public int markFailed(Collection<UUID> ids, String reason) {
    return moveTo(FAILED, byIds(ids), now(), Map.of(MESSAGE.LAST_ERROR, reason));
  }

  public int markUnconfirmed(Collection<UUID> ids, String reason) {
    return moveTo(UNCONFIRMED, byIds(ids), now(), Map.of(MESSAGE.LAST_ERROR, reason));
  }

  /** Returns claimed messages to the unsent pool after the provider definitely refused the call. */
  public void unclaim(Collection<UUID> ids, String reason) {
    db.update(MESSAGE)
        .setNull(MESSAGE.SEND_STARTED_AT)
        .set(MESSAGE.LAST_ERROR, reason)
        .where(byIds(ids))
        .and(MESSAGE.STATUS.eq(RELEASED))
        .execute();
  }

  /** The outcome so far of the messages with sequence numbers in {@code [fromSeq, toSeq)}. */
  public SendTally tally(UUID sendoutId, int fromSeq, int toSeq) {
    Map<MessageStatus, Integer> counts = new HashMap<>();
    db.select(MESSAGE.STATUS, DSL.count())
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.SEQ.ge(fromSeq))
        .and(MESSAGE.SEQ.lt(toSeq))
        .groupBy(MESSAGE.STATUS)
        .forEach(row -> counts.put(row.value1(), row.value2()));
    int accepted = TAKEN_BY_PROVIDER.stream().mapToInt(s -> counts.getOrDefault(s, 0)).sum();
    return new SendTally(
        accepted, counts.getOrDefault(FAILED, 0), counts.getOrDefault(UNCONFIRMED, 0));
  }

  /**
   * One page of the sendout's messages in sequence order, after {@code afterSeq}, optionally only
   * those in {@code status}. Keyset pagination: the cost of a page does not grow with its depth.
   */
  public List<StoredMessage> page(UUID sendoutId, MessageStatus status, int afterSeq, int limit) {
    Condition where = MESSAGE.SENDOUT_ID.eq(sendoutId).and(MESSAGE.SEQ.gt(afterSeq));
    if (status != null) {
      where = where.and(MESSAGE.STATUS.eq(status));
    }
    return db.selectFrom(MESSAGE)
        .where(where)
        .orderBy(MESSAGE.SEQ)
        .limit(limit)
        .fetch(MessageStore::toStored);
  }

  /**
   * Applies one transition to the rows matching {@code which} that may make it, stamping the
   * target's timestamp column and clearing the in-flight mark. Returns how many rows moved.
   */
  int moveTo(MessageStatus target, Condition which, OffsetDateTime now, Map<Field<?>, ?> alsoSet) {
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

  private static TableField<MessageRecord, OffsetDateTime> timestampOf(MessageStatus status) {
    return switch (status) {
      case QUEUED -> MESSAGE.QUEUED_AT;
      case RELEASED -> MESSAGE.RELEASED_AT;
      case ACCEPTED -> MESSAGE.ACCEPTED_AT;
      case UNCONFIRMED -> MESSAGE.UNCONFIRMED_AT;
      case DELIVERED, BOUNCED, DROPPED, FAILED, CANCELLED -> MESSAGE.FINISHED_AT;
    };
  }

  private static Condition byIds(Collection<UUID> ids) {
    return MESSAGE.ID.eq(any(ids.toArray(UUID[]::new)));
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  private static StoredMessage toStored(MessageRecord r) {
    return new StoredMessage(
        r.getId(),
        r.getSeq(),
        r.getAddress(),
        r.getStatus(),
        r.getProviderMessageId(),
        r.getAttemptCount(),
        r.getLastError(),
        r.getQueuedAt().toInstant(),
        instant(r.getReleasedAt()),
        instant(r.getAcceptedAt()),
        instant(r.getUnconfirmedAt()),
        instant(r.getFinishedAt()));
  }

  private static void write(CopyIn copy, StringBuilder rows) throws SQLException {
    byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(bytes, 0, bytes.length);
    rows.setLength(0);
  }

  /** A CSV field for COPY: quoted, so that an empty string stays distinct from NULL. */
  private static String csv(String value) {
    return value == null ? "" : '"' + value.replace("\"", "\"\"") + '"';
  }
}
