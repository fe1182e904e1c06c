package dev.sendout.activities.store;

import static dev.sendout.activities.store.SendoutStore.instant;
import static dev.sendout.activities.store.jooq.Tables.MESSAGE;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.BOUNCED;
import static dev.sendout.workflows.message.MessageStatus.CANCELLED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.DROPPED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static org.jooq.impl.DSL.any;

import dev.sendout.activities.store.NewSendout.Recipient;
import dev.sendout.activities.store.jooq.tables.records.MessageRecord;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.receipt.DeliveryTally;
import dev.sendout.workflows.sendout.SendTally;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
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
    insertQueued(sendoutId, 0, recipients, now);
  }

  /**
   * Inserts the recipients as QUEUED messages numbered from {@code firstSeq} on, with COPY: for
   * recipients added to a running sendout. Call in a transaction.
   */
  public void insertQueued(
      UUID sendoutId, int firstSeq, List<Recipient> recipients, OffsetDateTime now) {
    db.connection(
        connection -> {
          CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
          try {
            StringBuilder rows = new StringBuilder(COPY_CHUNK_BYTES + 4096);
            for (int i = 0; i < recipients.size(); i++) {
              Recipient r = recipients.get(i);
              rows.append(UUID.randomUUID()).append(',').append(sendoutId).append(',');
              rows.append(firstSeq + i);
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
  public List<OutgoingMessage> claimForSend(UUID sendoutId, int batchNo, int fromSeq, int toSeq) {
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
        .set(MESSAGE.BATCH_NO, batchNo)
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

  /**
   * Records the provider's acceptance. A receipt may have overtaken it and settled some of the
   * messages already (a fast provider, a slow write): those keep their receipt's status and only
   * gain the provider's id and the acceptance time.
   */
  @Transactional
  public int markAccepted(Collection<UUID> ids, String providerMessageId) {
    OffsetDateTime now = now();
    int moved =
        moveTo(ACCEPTED, byIds(ids), now, Map.of(MESSAGE.PROVIDER_MESSAGE_ID, providerMessageId));
    if (moved < ids.size()) {
      db.update(MESSAGE)
          .set(MESSAGE.PROVIDER_MESSAGE_ID, providerMessageId)
          .set(MESSAGE.ACCEPTED_AT, now)
          .where(byIds(ids))
          .and(MESSAGE.ACCEPTED_AT.isNull())
          .and(MESSAGE.STATUS.in(DELIVERED, BOUNCED, DROPPED, FAILED))
          .execute();
    }
    return moved;
  }

  public int markFailed(Collection<UUID> ids, String reason) {
    return moveTo(FAILED, byIds(ids), now(), Map.of(MESSAGE.LAST_ERROR, reason));
  }

  public int markUnconfirmed(Collection<UUID> ids, String reason) {
    return moveTo(UNCONFIRMED, byIds(ids), now(), Map.of(MESSAGE.LAST_ERROR, reason));
  }

  /**
   * Applies receipts that settle messages: moves each message to {@code target} with its reason,
   * where the state machine allows it. Returns the batches of the messages that moved, so that
   * their workflows can be told.
   */
  public Set<BatchKey> settleByReceipt(MessageStatus target, Map<UUID, String> reasons) {
    if (reasons.isEmpty()) {
      return Set.of();
    }
    var r =
        DSL.table(
                "unnest({0}, {1})",
                array(reasons.keySet(), UUID[]::new), array(reasons.values(), String[]::new))
            .as("r", "id", "reason");
    Field<UUID> id = DSL.field(DSL.name("r", "id"), UUID.class);
    Field<String> reason = DSL.field(DSL.name("r", "reason"), String.class);
    return db
        .update(MESSAGE)
        .set(MESSAGE.STATUS, target)
        .set(timestampOf(target), now())
        .setNull(MESSAGE.SEND_STARTED_AT)
        .set(MESSAGE.LAST_ERROR, DSL.coalesce(reason, MESSAGE.LAST_ERROR))
        .from(r)
        .where(MESSAGE.ID.eq(id))
        .and(MESSAGE.STATUS.in(MessageStatus.predecessorsOf(target)))
        .returningResult(MESSAGE.SENDOUT_ID, MESSAGE.BATCH_NO)
        .fetch()
        .stream()
        // A message no batch has claimed yet has a null batch number, and no batch to wake.
        .filter(row -> row.value2() != null)
        .map(row -> new BatchKey(row.value1(), row.value2()))
        .collect(Collectors.toSet());
  }

  /**
   * Notes the provider's temporary failures (it keeps retrying): the message stays ACCEPTED, its
   * deferral count grows by the number of distinct reports and the latest reason is kept.
   */
  public void noteDeferrals(Map<UUID, Deferral> deferrals) {
    if (deferrals.isEmpty()) {
      return;
    }
    var r =
        DSL.table(
                "unnest({0}, {1}, {2})",
                array(deferrals.keySet(), UUID[]::new),
                array(deferrals.values().stream().map(Deferral::count).toList(), Integer[]::new),
                array(deferrals.values().stream().map(Deferral::reason).toList(), String[]::new))
            .as("r", "id", "n", "reason");
    db.update(MESSAGE)
        .set(
            MESSAGE.DEFERRAL_COUNT,
            MESSAGE.DEFERRAL_COUNT.plus(DSL.field(DSL.name("r", "n"), Integer.class)))
        .set(MESSAGE.LAST_ERROR, DSL.field(DSL.name("r", "reason"), String.class))
        .from(r)
        .where(MESSAGE.ID.eq(DSL.field(DSL.name("r", "id"), UUID.class)))
        .and(MESSAGE.STATUS.eq(ACCEPTED))
        .execute();
  }

  /** How many distinct deferral reports a message got in one webhook call, and the latest. */
  public record Deferral(int count, String reason) {}

  /** The message ids among {@code ids} that exist. */
  public Set<UUID> existing(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return db.select(MESSAGE.ID).from(MESSAGE).where(byIds(ids)).fetchSet(MESSAGE.ID);
  }

  /**
   * Finds messages by the provider's id and the recipient's address, for receipts that lack our own
   * id. Keys of the result are {@code providerMessageId + " " + lower-case address}.
   */
  public Map<String, UUID> byProviderId(Collection<String> providerMessageIds) {
    if (providerMessageIds.isEmpty()) {
      return Map.of();
    }
    Map<String, UUID> found = new HashMap<>();
    db.select(MESSAGE.ID, MESSAGE.PROVIDER_MESSAGE_ID, MESSAGE.ADDRESS)
        .from(MESSAGE)
        .where(MESSAGE.PROVIDER_MESSAGE_ID.eq(any(providerMessageIds.toArray(String[]::new))))
        .forEach(row -> found.put(providerKey(row.value2(), row.value3()), row.value1()));
    return found;
  }

  public static String providerKey(String providerMessageId, String address) {
    return providerMessageId + " " + address.toLowerCase(Locale.ROOT);
  }

  /**
   * The messages that belong to a batch: those in its range that it claimed, or that no batch has
   * claimed yet. A message sent again (a resend) belongs to the batch that resent it, so that the
   * batch it was first sent in stops counting it and no message is counted twice.
   */
  private static Condition inBatch(SendBatch batch) {
    return MESSAGE
        .SENDOUT_ID
        .eq(UUID.fromString(batch.sendoutId()))
        .and(MESSAGE.SEQ.ge(batch.fromSeq()))
        .and(MESSAGE.SEQ.lt(batch.toSeq()))
        .and(MESSAGE.BATCH_NO.isNull().or(MESSAGE.BATCH_NO.eq(batch.batchNo())));
  }

  /** Where the receipts have taken the batch's messages. */
  public BatchReceipts batchReceipts(SendBatch sendBatch, int sampleSize) {
    Condition batch = inBatch(sendBatch);
    Map<MessageStatus, Integer> counts = new EnumMap<>(MessageStatus.class);
    OffsetDateTime[] unconfirmedSince = new OffsetDateTime[1];
    db.select(MESSAGE.STATUS, DSL.count(), DSL.min(MESSAGE.UNCONFIRMED_AT))
        .from(MESSAGE)
        .where(batch)
        .groupBy(MESSAGE.STATUS)
        .forEach(
            row -> {
              counts.put(row.value1(), row.value2());
              if (row.value1() == UNCONFIRMED) {
                unconfirmedSince[0] = row.value3();
              }
            });
    List<String> sample =
        counts.getOrDefault(UNCONFIRMED, 0) == 0
            ? List.of()
            : db.select(MESSAGE.ID)
                .from(MESSAGE)
                .where(batch)
                .and(MESSAGE.STATUS.eq(UNCONFIRMED))
                .orderBy(MESSAGE.SEQ)
                .limit(sampleSize)
                .fetch(row -> row.value1().toString());
    return new BatchReceipts(
        new DeliveryTally(
            counts.getOrDefault(RELEASED, 0) + counts.getOrDefault(ACCEPTED, 0),
            counts.getOrDefault(DELIVERED, 0),
            counts.getOrDefault(BOUNCED, 0),
            counts.getOrDefault(DROPPED, 0),
            counts.getOrDefault(FAILED, 0),
            counts.getOrDefault(UNCONFIRMED, 0)),
        instant(unconfirmedSince[0]),
        sample);
  }

  /**
   * The sendout's unconfirmed messages: since when the oldest is, and the first few ids in sequence
   * order. Reads only the unconfirmed rows, through the (sendout, status, seq) index.
   */
  public Unconfirmed unconfirmed(UUID sendoutId, int sampleSize) {
    Condition unconfirmed = MESSAGE.SENDOUT_ID.eq(sendoutId).and(MESSAGE.STATUS.eq(UNCONFIRMED));
    OffsetDateTime since =
        db.select(DSL.min(MESSAGE.UNCONFIRMED_AT))
            .from(MESSAGE)
            .where(unconfirmed)
            .fetchOne(0, OffsetDateTime.class);
    List<UUID> sample =
        db.select(MESSAGE.ID)
            .from(MESSAGE)
            .where(unconfirmed)
            .orderBy(MESSAGE.SEQ)
            .limit(sampleSize)
            .fetch(MESSAGE.ID);
    return new Unconfirmed(instant(since), sample);
  }

  /**
   * @param since null when there are none
   */
  public record Unconfirmed(Instant since, List<UUID> sample) {}

  /**
   * The receipt deadline passed: the batch's messages still ACCEPTED become UNCONFIRMED, never
   * DELIVERED. Returns how many moved.
   */
  public int expireAwaitingReceipt(SendBatch batch, String reason) {
    return moveTo(
        UNCONFIRMED,
        inBatch(batch).and(MESSAGE.STATUS.eq(ACCEPTED)),
        now(),
        Map.of(MESSAGE.LAST_ERROR, reason));
  }

  /**
   * A person chose to send the sendout's UNCONFIRMED and FAILED messages again: they return to
   * RELEASED, ready for a new attempt, which their next claim counts. Returns their sequence
   * numbers, in order.
   */
  public List<Integer> releaseForResend(UUID sendoutId, String reason) {
    List<MessageStatus> resendable =
        Arrays.stream(MessageStatus.values()).filter(MessageStatus::isResendable).toList();
    return db
        .update(MESSAGE)
        .set(MESSAGE.STATUS, RELEASED)
        .set(MESSAGE.LAST_ERROR, reason)
        .setNull(MESSAGE.SEND_STARTED_AT)
        .setNull(MESSAGE.ACCEPTED_AT)
        .setNull(MESSAGE.UNCONFIRMED_AT)
        .setNull(MESSAGE.FINISHED_AT)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.STATUS.in(resendable))
        .returning(MESSAGE.SEQ)
        .fetch(MESSAGE.SEQ)
        .stream()
        .sorted()
        .toList();
  }

  /** Messages released and not yet claimed: what a resend left to send. */
  public List<Integer> releasedUnclaimed(UUID sendoutId) {
    return db.select(MESSAGE.SEQ)
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.STATUS.eq(RELEASED))
        .and(MESSAGE.SEND_STARTED_AT.isNull())
        .orderBy(MESSAGE.SEQ)
        .fetch(MESSAGE.SEQ);
  }

  /** Cancels the sendout's messages that no provider call has claimed. Returns how many. */
  public int cancelUnsent(UUID sendoutId, String reason) {
    return moveTo(
        CANCELLED,
        MESSAGE.SENDOUT_ID.eq(sendoutId).and(MESSAGE.SEND_STARTED_AT.isNull()),
        now(),
        Map.of(MESSAGE.LAST_ERROR, reason));
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

  /** The outcome so far of the batch's messages. */
  public SendTally tally(SendBatch batch) {
    Map<MessageStatus, Integer> counts = new HashMap<>();
    db.select(MESSAGE.STATUS, DSL.count())
        .from(MESSAGE)
        .where(inBatch(batch))
        .groupBy(MESSAGE.STATUS)
        .forEach(row -> counts.put(row.value1(), row.value2()));
    int accepted = TAKEN_BY_PROVIDER.stream().mapToInt(s -> counts.getOrDefault(s, 0)).sum();
    return new SendTally(
        accepted, counts.getOrDefault(FAILED, 0), counts.getOrDefault(UNCONFIRMED, 0));
  }

  public Optional<StoredMessage> find(UUID id) {
    return db.selectFrom(MESSAGE).where(MESSAGE.ID.eq(id)).fetchOptional(MessageStore::toStored);
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

  private static <T> Field<T[]> array(Collection<T> values, IntFunction<T[]> newArray) {
    return DSL.val(values.toArray(newArray));
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
        r.getDeferralCount(),
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
