package dev.sendout.core.receipt;

import static dev.sendout.core.store.Json.instant;
import static dev.sendout.core.store.MessageTransitions.array;
import static dev.sendout.core.store.MessageTransitions.byIds;
import static dev.sendout.core.store.MessageTransitions.inBatch;
import static dev.sendout.core.store.MessageTransitions.oneOf;
import static dev.sendout.core.store.MessageTransitions.timestampOf;
import static dev.sendout.core.store.jooq.Tables.AUDIT_EVENT;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.BOUNCED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.DROPPED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;

import dev.sendout.core.response.ResponseStore;
import dev.sendout.core.store.MessageTransitions;
import dev.sendout.core.suppression.SuppressionGate;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.receipt.DeliveryTally;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * Messages as receipts settle them: receipts matched to messages, settled or noted as deferred,
 * where a batch's messages stand, and the receipt deadline's expiry.
 */
@Repository
public class MessageSettlement {

  private final DSLContext db;
  private final MessageTransitions transitions;

  public MessageSettlement(DSLContext db, MessageTransitions transitions) {
    this.db = db;
    this.transitions = transitions;
  }

  /** What a receipt settles a message with: its reason, and the provider's id of the message. */
  public record Settling(String reason, String providerMessageId) {}

  /**
   * Applies receipts that settle messages: moves each message to {@code target} with its reason,
   * where the state machine allows it. A message without our record of the provider's acceptance
   * (its send was in doubt, a worker killed mid-call, or the receipt overtook the record) gains the
   * acceptance's time and the provider's id from the receipt, which proves it: the reminders count
   * from the acceptance, and a later bounce without our id is matched by the provider's. Returns
   * the batches of the messages that moved, so that their workflows can be told.
   */
  public Set<BatchKey> settleByReceipt(MessageStatus target, Map<UUID, Settling> settling) {
    if (settling.isEmpty()) {
      return Set.of();
    }
    var r =
        DSL.table(
                "unnest({0}, {1}, {2})",
                array(settling.keySet(), UUID[]::new),
                array(settling.values().stream().map(Settling::reason).toList(), String[]::new),
                array(
                    settling.values().stream().map(Settling::providerMessageId).toList(),
                    String[]::new))
            .as("r", "id", "reason", "provider_id");
    Field<UUID> id = DSL.field(DSL.name("r", "id"), UUID.class);
    Field<String> reason = DSL.field(DSL.name("r", "reason"), String.class);
    Field<String> providerId = DSL.field(DSL.name("r", "provider_id"), String.class);
    OffsetDateTime now = transitions.now();
    return db
        .update(MESSAGE)
        .set(MESSAGE.STATUS, target)
        .set(timestampOf(target), now)
        .setNull(MESSAGE.SEND_STARTED_AT)
        // A delivered message has no error, whatever an earlier attempt or a send in doubt left.
        .set(
            MESSAGE.LAST_ERROR,
            target == MessageStatus.DELIVERED ? reason : DSL.coalesce(reason, MESSAGE.LAST_ERROR))
        // A resend clears accepted_at but keeps the first send's provider id: without a record of
        // this send's acceptance, the receipt's id is the one to match its later bounces by.
        .set(
            MESSAGE.PROVIDER_MESSAGE_ID,
            DSL.when(
                    MESSAGE.ACCEPTED_AT.isNull(),
                    DSL.coalesce(providerId, MESSAGE.PROVIDER_MESSAGE_ID))
                .otherwise(MESSAGE.PROVIDER_MESSAGE_ID))
        .set(MESSAGE.ACCEPTED_AT, DSL.coalesce(MESSAGE.ACCEPTED_AT, DSL.val(now)))
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

  /** The messages among {@code ids} that exist, each with its lower-case address. */
  public Map<UUID, String> addresses(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<UUID, String> found = new HashMap<>();
    db.select(MESSAGE.ID, MESSAGE.ADDRESS)
        .from(MESSAGE)
        .where(byIds(ids))
        .forEach(row -> found.put(row.value1(), row.value2().toLowerCase(Locale.ROOT)));
    return found;
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
        .where(oneOf(MESSAGE.PROVIDER_MESSAGE_ID, providerMessageIds, String[]::new))
        .forEach(row -> found.put(providerKey(row.value2(), row.value3()), row.value1()));
    return found;
  }

  public static String providerKey(String providerMessageId, String address) {
    return providerMessageId + " " + address.toLowerCase(Locale.ROOT);
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
        tally(
            counts,
            counts.getOrDefault(UNCONFIRMED, 0) == 0
                ? 0
                : db.fetchCount(
                    MESSAGE, batch.and(MESSAGE.STATUS.eq(UNCONFIRMED)).and(NOTHING_WAITS_FOR_IT))),
        instant(unconfirmedSince[0]),
        sample);
  }

  /**
   * Where receipts have taken messages counted by status: RELEASED and ACCEPTED await one; QUEUED,
   * CANCELLED and SUPPRESSED are none of it.
   */
  public static DeliveryTally tally(Map<MessageStatus, Integer> counts, int unconfirmedFinal) {
    return new DeliveryTally(
        counts.getOrDefault(RELEASED, 0) + counts.getOrDefault(ACCEPTED, 0),
        counts.getOrDefault(DELIVERED, 0),
        counts.getOrDefault(BOUNCED, 0),
        counts.getOrDefault(DROPPED, 0),
        counts.getOrDefault(FAILED, 0),
        counts.getOrDefault(UNCONFIRMED, 0),
        unconfirmedFinal);
  }

  /**
   * An UNCONFIRMED message whose sendout support staff acknowledged after it became so: they know
   * of it. For statements on the table {@code message} itself, unaliased.
   */
  public static final Condition ACKNOWLEDGED_SINCE_UNCONFIRMED = acknowledgedSinceUnconfirmed();

  /**
   * An UNCONFIRMED message nothing waits for any more ({@link DeliveryTally#unconfirmedFinal}): an
   * invitation or reminder whose recipient responded, which proves an invitation arrived and is
   * never sent again (not a thank-you, which a resend takes); or any message to a recipient now on
   * the suppression list, which a resend leaves out too; or its sendout's survey closed or the
   * sendout was cancelled, after which nothing is sent again, and support staff acknowledged it (an
   * acknowledgement after it became UNCONFIRMED). Such a message keeps its status, and a late
   * receipt still settles it, but it holds no batch open and flags nothing. (For a sendout still
   * able to resend, an acknowledgement only clears the flag: a resend may follow.) For statements
   * on the table {@code message} itself, unaliased.
   */
  public static final Condition NOTHING_WAITS_FOR_IT = nothingWaitsForIt();

  private static Condition nothingWaitsForIt() {
    var sendout = SENDOUT.as("finished_sendout");
    // A thank-you goes to a responder by definition, and a resend takes it again when in doubt.
    return MESSAGE
        .THANKS_MESSAGE_ID
        .isNull()
        .and(ResponseStore.RECIPIENT_RESPONDED)
        // A resend takes nothing to a recipient on the suppression list (SupportMessages).
        .or(SuppressionGate.RECIPIENT_SUPPRESSED)
        .or(
            DSL.exists(
                    DSL.selectOne()
                        .from(sendout)
                        .where(sendout.ID.eq(MESSAGE.SENDOUT_ID))
                        .and(sendout.CLOSED_AT.isNotNull().or(sendout.CANCELLED_AT.isNotNull())))
                .and(ACKNOWLEDGED_SINCE_UNCONFIRMED));
  }

  private static Condition acknowledgedSinceUnconfirmed() {
    var acknowledged = AUDIT_EVENT.as("acknowledged");
    return DSL.exists(
        DSL.selectOne()
            .from(acknowledged)
            .where(acknowledged.SENDOUT_ID.eq(MESSAGE.SENDOUT_ID))
            // Inline, so that the planner can use the partial index of acknowledgements.
            .and(
                acknowledged.ACTION.eq(
                    DSL.inline(SupportActionType.ACKNOWLEDGE, acknowledged.ACTION)))
            .and(acknowledged.AT.ge(MESSAGE.UNCONFIRMED_AT)));
  }

  /**
   * The batches holding UNCONFIRMED messages to the recipients of these messages of the sendout
   * (responses just recorded on them) that nothing waits for any more ({@link
   * #NOTHING_WAITS_FOR_IT}): woken, they settle.
   */
  public Set<BatchKey> batchesNothingWaitsFor(UUID sendoutId, Collection<UUID> responded) {
    if (responded.isEmpty()) {
      return Set.of();
    }
    var responder = MESSAGE.as("responded");
    return db.selectDistinct(MESSAGE.SENDOUT_ID, MESSAGE.BATCH_NO)
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.STATUS.eq(UNCONFIRMED))
        .and(MESSAGE.BATCH_NO.isNotNull())
        .and(
            DSL.lower(MESSAGE.ADDRESS)
                .in(
                    DSL.select(DSL.lower(responder.ADDRESS))
                        .from(responder)
                        .where(responder.ID.in(responded))))
        .and(NOTHING_WAITS_FOR_IT)
        .fetchSet(row -> new BatchKey(row.value1(), row.value2()));
  }

  /**
   * The sendout's unconfirmed messages still waited for (not those {@link #NOTHING_WAITS_FOR_IT}):
   * how many, since when the oldest is, and the first few ids in sequence order. Reads only the
   * unconfirmed rows, through the (sendout, status, seq) index.
   */
  public Unconfirmed unconfirmed(UUID sendoutId, int sampleSize) {
    Condition unconfirmed =
        MESSAGE
            .SENDOUT_ID
            .eq(sendoutId)
            .and(MESSAGE.STATUS.eq(UNCONFIRMED))
            .andNot(NOTHING_WAITS_FOR_IT);
    var counted =
        db.select(DSL.count(), DSL.min(MESSAGE.UNCONFIRMED_AT))
            .from(MESSAGE)
            .where(unconfirmed)
            .fetchOne();
    List<UUID> sample =
        counted.value1() == 0
            ? List.of()
            : db.select(MESSAGE.ID)
                .from(MESSAGE)
                .where(unconfirmed)
                .orderBy(MESSAGE.SEQ)
                .limit(sampleSize)
                .fetch(MESSAGE.ID);
    return new Unconfirmed(counted.value1(), instant(counted.value2()), sample);
  }

  /**
   * @param since null when there are none
   */
  public record Unconfirmed(int count, Instant since, List<UUID> sample) {}

  /**
   * The receipt deadline passed: the batch's messages still ACCEPTED become UNCONFIRMED, never
   * DELIVERED. Returns how many moved.
   */
  public int expireAwaitingReceipt(SendBatch batch, String reason) {
    return transitions.moveTo(
        UNCONFIRMED,
        inBatch(batch).and(MESSAGE.STATUS.eq(ACCEPTED)),
        transitions.now(),
        Map.of(MESSAGE.LAST_ERROR, reason));
  }
}
