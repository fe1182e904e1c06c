package dev.sendout.core.delivery;

import static dev.sendout.core.store.MessageTransitions.byIds;
import static dev.sendout.core.store.MessageTransitions.inBatch;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.BOUNCED;
import static dev.sendout.workflows.message.MessageStatus.CANCELLED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.DROPPED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;

import dev.sendout.core.response.ResponseStore;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.store.Json;
import dev.sendout.core.store.MessageTransitions;
import dev.sendout.core.suppression.SuppressionGate;
import dev.sendout.core.window.DeliveryWindow;
import dev.sendout.core.window.TimeZones;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SendTally;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Messages on their way to the provider: claimed for one call, then accepted, failed, unconfirmed
 * or returned to the pool; and a batch's send outcome so far.
 */
@Repository
public class DeliveryStore {

  /** States a message reaches only after the provider accepted it. */
  private static final Set<MessageStatus> TAKEN_BY_PROVIDER =
      EnumSet.of(ACCEPTED, DELIVERED, BOUNCED, DROPPED);

  private final DSLContext db;
  private final MessageTransitions transitions;
  private final SuppressionGate suppressions;

  public DeliveryStore(
      DSLContext db, MessageTransitions transitions, SuppressionGate suppressions) {
    this.db = db;
    this.transitions = transitions;
    this.suppressions = suppressions;
  }

  /**
   * Claims the batch's unsent messages for one provider call: marks them as in flight and counts
   * the attempt. Messages an earlier attempt left in flight (its worker died, or it timed out while
   * the provider may have taken them) are moved to UNCONFIRMED instead of being sent again.
   * Messages to recipients suppressed since the release become SUPPRESSED instead of being sent:
   * the gate's second check, as close to the provider call as the store gets.
   */
  @Transactional
  public List<OutgoingMessage> claimForSend(UUID sendoutId, int batchNo, int fromSeq, int toSeq) {
    OffsetDateTime now = transitions.now();
    Condition batch = range(sendoutId, fromSeq, toSeq);
    settleInDoubt(batch, batchNo, now);
    check(sendoutId, fromSeq, toSeq, now);
    return claim(batch, batchNo, now);
  }

  /**
   * The claim's checks of its messages, made apart from it by a caller that waits between them and
   * its claim ({@link #claimChecked}): those to recipients suppressed since the release become
   * SUPPRESSED, and invitations and reminders whose recipient responded CANCELLED.
   */
  @Transactional
  public void check(UUID sendoutId, int fromSeq, int toSeq) {
    check(sendoutId, fromSeq, toSeq, transitions.now());
  }

  private void check(UUID sendoutId, int fromSeq, int toSeq, OffsetDateTime now) {
    suppressions.suppressReleased(sendoutId, fromSeq, toSeq, now);
    cancelAnswered(range(sendoutId, fromSeq, toSeq), now);
  }

  /**
   * Claims these messages as {@link #claimForSend} does, without its checks, which the caller made
   * right before its wait for a turn under the provider's limit ({@link #check}): one statement is
   * then all that lies between the wait and the request, whose timing the wait is for.
   */
  @Transactional
  public List<OutgoingMessage> claimChecked(UUID sendoutId, int batchNo, int fromSeq, int toSeq) {
    return claim(range(sendoutId, fromSeq, toSeq), batchNo, transitions.now());
  }

  private List<OutgoingMessage> claim(Condition batch, int batchNo, OffsetDateTime now) {
    return db.update(MESSAGE)
        .set(MESSAGE.SEND_STARTED_AT, now)
        .set(MESSAGE.ATTEMPT_COUNT, MESSAGE.ATTEMPT_COUNT.plus(1))
        .set(MESSAGE.BATCH_NO, batchNo)
        .where(batch)
        .and(MESSAGE.STATUS.eq(RELEASED))
        .and(MESSAGE.SEND_STARTED_AT.isNull())
        .and(MESSAGE.WINDOW_OPENS_AT.isNull().or(MESSAGE.WINDOW_OPENS_AT.le(now)))
        // returningResult, not returning: a Record7 of what is read, not a MessageRecord of every
        // column with its change tracking, for each of a batch's 1,000 rows.
        .returningResult(
            MESSAGE.ID,
            MESSAGE.SEQ,
            MESSAGE.ADDRESS,
            MESSAGE.DISPLAY_NAME,
            MESSAGE.VARIABLES,
            MESSAGE.REMINDER_INDEX,
            MESSAGE.THANKS_MESSAGE_ID)
        .fetch()
        .sortAsc(MESSAGE.SEQ)
        .map(
            r ->
                new OutgoingMessage(
                    r.value1(),
                    r.value3(),
                    r.value4(),
                    Json.readStringMap(r.value5()),
                    ContentKey.of(r.value6(), r.value7())));
  }

  /** Whether the batch has messages released and not yet claimed by any call. */
  public boolean hasUnclaimed(SendBatch batch) {
    return db.fetchExists(
        MESSAGE,
        range(UUID.fromString(batch.sendoutId()), batch.fromSeq(), batch.toSeq())
            .and(MESSAGE.STATUS.eq(RELEASED))
            .and(MESSAGE.SEND_STARTED_AT.isNull()));
  }

  /**
   * A message still to send: its sequence number and its content.
   *
   * @param timeZone the zone its delivery window is judged in, as stored (null: UTC)
   */
  public record Unsent(int seq, ContentKey content, String timeZone) {}

  /**
   * The messages of a batch still to send one request each (SMS), in order: released, unclaimed and
   * not held for their window. What an earlier attempt left in flight becomes UNCONFIRMED first, as
   * {@link #claimForSend} makes it. Each is then claimed right before its own request, after its
   * wait for a turn under the provider's limit: claimed before that wait, one message per running
   * call was in flight at a crash, and its retry made it UNCONFIRMED, never sent.
   */
  @Transactional
  public List<Unsent> toSend(UUID sendoutId, int batchNo, int fromSeq, int toSeq) {
    OffsetDateTime now = transitions.now();
    Condition batch = range(sendoutId, fromSeq, toSeq);
    settleInDoubt(batch, batchNo, now);
    return db.select(
            MESSAGE.SEQ, MESSAGE.REMINDER_INDEX, MESSAGE.THANKS_MESSAGE_ID, MESSAGE.TIME_ZONE)
        .from(MESSAGE)
        .where(batch)
        .and(MESSAGE.STATUS.eq(RELEASED))
        .and(MESSAGE.SEND_STARTED_AT.isNull())
        .and(MESSAGE.WINDOW_OPENS_AT.isNull().or(MESSAGE.WINDOW_OPENS_AT.le(now)))
        .orderBy(MESSAGE.SEQ)
        .fetch(r -> new Unsent(r.value1(), ContentKey.of(r.value2(), r.value3()), r.value4()));
  }

  private static Condition range(UUID sendoutId, int fromSeq, int toSeq) {
    return MESSAGE.SENDOUT_ID.eq(sendoutId).and(MESSAGE.SEQ.ge(fromSeq)).and(MESSAGE.SEQ.lt(toSeq));
  }

  /**
   * Messages an earlier attempt of this batch left in flight: the provider may have them, so never
   * resent. Only the batch's own: another batch over the same range may be sending them now (one
   * that a run which stopped started, beside the batches of the run the watchdog started after it).
   */
  private void settleInDoubt(Condition batch, int batchNo, OffsetDateTime now) {
    transitions.moveTo(
        UNCONFIRMED,
        batch
            .and(MESSAGE.SEND_STARTED_AT.isNotNull())
            .and(MESSAGE.BATCH_NO.isNull().or(MESSAGE.BATCH_NO.eq(batchNo))),
        now,
        Map.of(MESSAGE.LAST_ERROR, "Send outcome unknown: an earlier attempt broke off mid-call"));
  }

  /**
   * Holds back the released messages of a batch whose delivery window is closed at {@code at}: each
   * is marked with when its window next opens ({@code window_opens_at}), which {@link
   * #claimForSend} waits for and the watchdog's send grace counts from; the others are unmarked.
   * The release judged the window, but a pause, a resend or a long paced send can bring the
   * provider call past its end. Returns the earliest opening among those held; null when none is,
   * as for a sendout without a window, which costs one lookup of its row.
   */
  @Transactional
  public Instant holdOutsideWindows(UUID sendoutId, int fromSeq, int toSeq) {
    return holdOutsideWindows(sendoutId, fromSeq, toSeq, transitions.now().toInstant());
  }

  /** The sendout's delivery window, or null when it has none. */
  public DeliveryWindow window(UUID sendoutId) {
    return SendoutStore.window(
        db.select(SENDOUT.DELIVERY_WINDOW)
            .from(SENDOUT)
            .where(SENDOUT.ID.eq(sendoutId))
            .fetchOne(SENDOUT.DELIVERY_WINDOW));
  }

  /** {@link #holdOutsideWindows(UUID, int, int)} with the windows judged at {@code at}. */
  @Transactional
  public Instant holdOutsideWindows(UUID sendoutId, int fromSeq, int toSeq, Instant at) {
    DeliveryWindow window = window(sendoutId);
    if (window == null) {
      return null;
    }
    Field<String> zone = DSL.coalesce(MESSAGE.TIME_ZONE, "UTC");
    Condition unclaimed =
        range(sendoutId, fromSeq, toSeq)
            .and(MESSAGE.STATUS.eq(RELEASED))
            .and(MESSAGE.SEND_STARTED_AT.isNull());
    Instant first = null;
    List<String> open = new ArrayList<>();
    for (String z : db.selectDistinct(zone).from(MESSAGE).where(unclaimed).fetch(zone)) {
      if (window.isOpen(at, TimeZones.stored(z))) {
        open.add(z);
        continue;
      }
      Instant opens = window.nextOpening(at, TimeZones.stored(z));
      OffsetDateTime until = opens.atOffset(ZoneOffset.UTC);
      db.update(MESSAGE)
          .set(MESSAGE.WINDOW_OPENS_AT, until)
          .where(unclaimed)
          .and(zone.eq(z))
          .and(MESSAGE.WINDOW_OPENS_AT.isDistinctFrom(until))
          .execute();
      first = first == null || opens.isBefore(first) ? opens : first;
    }
    if (!open.isEmpty()) {
      db.update(MESSAGE)
          .setNull(MESSAGE.WINDOW_OPENS_AT)
          .where(unclaimed)
          .and(zone.in(open))
          .and(MESSAGE.WINDOW_OPENS_AT.isNotNull())
          .execute();
    }
    return first;
  }

  /**
   * Cancels the invitations and reminders among these messages whose recipient has responded, right
   * before the provider call, as the suppression gate checks again there. A reminder is cancelled
   * when its recipient responded after its wave was made (a wave leaves out whoever had responded
   * when it was made), through its invitation or another of the sendout to the same address, and so
   * a resent one too. An invitation is cancelled when a response was recorded on it before it went
   * out (the survey platform heard from the recipient another way): it went out in the same second
   * as its thank-you. Only its own response counts: recipients who share an address (a household's)
   * each have their own invitation and link. Thank-yous go.
   */
  private void cancelAnswered(Condition batch, OffsetDateTime now) {
    transitions.moveTo(
        CANCELLED,
        batch
            .and(MESSAGE.THANKS_MESSAGE_ID.isNull())
            .and(MESSAGE.SEND_STARTED_AT.isNull())
            .and(
                MESSAGE
                    .REMINDS_MESSAGE_ID
                    .isNotNull()
                    .and(ResponseStore.RECIPIENT_RESPONDED)
                    .or(MESSAGE.REMINDS_MESSAGE_ID.isNull().and(MESSAGE.RESPONDED_AT.isNotNull()))),
        now,
        Map.of(
            MESSAGE.LAST_ERROR,
            DSL.when(
                    MESSAGE.REMINDS_MESSAGE_ID.isNull(),
                    "The recipient responded before this invitation went out")
                .otherwise("The recipient responded before this reminder went out")));
  }

  /**
   * Records the provider's acceptance, and drops the error of an earlier attempt (a DELIVERED
   * message showed "Vonage 401" from before its key was fixed). A receipt may have overtaken it and
   * settled some of the messages already (a fast provider, a slow write): those keep their
   * receipt's status and only gain the provider's id and the acceptance time.
   */
  @Transactional
  public int markAccepted(Collection<UUID> ids, String providerMessageId) {
    OffsetDateTime now = transitions.now();
    int moved =
        transitions.moveTo(
            ACCEPTED,
            byIds(ids),
            now,
            Map.of(
                MESSAGE.PROVIDER_MESSAGE_ID,
                providerMessageId,
                MESSAGE.LAST_ERROR,
                DSL.castNull(MESSAGE.LAST_ERROR)));
    if (moved < ids.size()) {
      // The receipt that settled them noted its id and its arrival: our record's id replaces the
      // one, and the earlier of the two times is kept.
      db.update(MESSAGE)
          .set(MESSAGE.PROVIDER_MESSAGE_ID, providerMessageId)
          .set(MESSAGE.ACCEPTED_AT, DSL.least(MESSAGE.ACCEPTED_AT, DSL.val(now)))
          .where(byIds(ids))
          .and(MESSAGE.STATUS.in(DELIVERED, BOUNCED, DROPPED, FAILED))
          .execute();
    }
    return moved;
  }

  public int markFailed(Collection<UUID> ids, String reason) {
    return transitions.moveTo(
        FAILED, byIds(ids), transitions.now(), Map.of(MESSAGE.LAST_ERROR, reason));
  }

  public int markUnconfirmed(Collection<UUID> ids, String reason) {
    return transitions.moveTo(
        UNCONFIRMED, byIds(ids), transitions.now(), Map.of(MESSAGE.LAST_ERROR, reason));
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

  /**
   * Returns claimed messages that were never tried (a request before theirs failed, or their call
   * stopped before their request) to the unsent pool, taking back the attempt their claim counted.
   */
  public void giveBack(Collection<UUID> ids, String reason) {
    db.update(MESSAGE)
        .setNull(MESSAGE.SEND_STARTED_AT)
        .set(MESSAGE.LAST_ERROR, reason)
        .set(MESSAGE.ATTEMPT_COUNT, MESSAGE.ATTEMPT_COUNT.minus(1))
        .where(byIds(ids))
        .and(MESSAGE.STATUS.eq(RELEASED))
        .and(MESSAGE.SEND_STARTED_AT.isNotNull())
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
}
