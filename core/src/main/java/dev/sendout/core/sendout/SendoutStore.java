package dev.sendout.core.sendout;

import static dev.sendout.core.store.Json.instant;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;

import dev.sendout.core.delivery.ContentKey;
import dev.sendout.core.reminder.Reminder;
import dev.sendout.core.reminder.ReminderWaves;
import dev.sendout.core.response.ThankYou;
import dev.sendout.core.store.Json;
import dev.sendout.core.store.MessageTransitions;
import dev.sendout.core.store.jooq.tables.records.SendoutRecord;
import dev.sendout.core.window.DeliveryWindow;
import dev.sendout.core.window.TimeZones;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SeqRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Sendouts in Postgres: creation with their messages, reads, and the outbox of unstarted ones. */
@Repository
public class SendoutStore {

  private final DSLContext db;
  private final QueuedMessages queued;
  private final Clock clock;

  public SendoutStore(DSLContext db, QueuedMessages queued, Clock clock) {
    this.db = db;
    this.queued = queued;
    this.clock = clock;
  }

  /** The stored sendout, and whether it existed already under the same Idempotency-Key. */
  public record Created(StoredSendout sendout, boolean existed) {}

  /**
   * Stores the sendout and all its messages in one transaction, or returns the sendout stored
   * earlier under the same tenant and Idempotency-Key.
   */
  @Transactional
  public Created create(NewSendout sendout) {
    OffsetDateTime now = now();
    Optional<UUID> inserted =
        db.insertInto(SENDOUT)
            .set(SENDOUT.ID, sendout.id())
            .set(SENDOUT.TENANT_ID, sendout.tenantId())
            .set(SENDOUT.CHANNEL, sendout.channel())
            .set(SENDOUT.STATUS, SendoutStatus.SCHEDULED)
            .set(SENDOUT.CONTENT, JSONB.valueOf(Json.write(sendout.content())))
            .set(SENDOUT.RECIPIENT_COUNT, sendout.recipients().size())
            .set(SENDOUT.SEND_AT, sendout.sendAt().atOffset(ZoneOffset.UTC))
            .set(SENDOUT.RECEIPT_TIMEOUT_SECONDS, (int) sendout.receiptTimeout().toSeconds())
            .set(SENDOUT.IDEMPOTENCY_KEY, sendout.idempotencyKey())
            .set(SENDOUT.REQUEST_HASH, sendout.requestHash())
            .set(SENDOUT.CREATED_AT, now)
            .set(
                SENDOUT.DELIVERY_WINDOW,
                sendout.window() == null
                    ? null
                    : JSONB.valueOf(Json.write(sendout.window().written())))
            .set(SENDOUT.TIME_ZONE, sendout.timeZone())
            .set(
                SENDOUT.REMINDERS,
                sendout.reminders().isEmpty()
                    ? null
                    : JSONB.valueOf(Json.write(sendout.reminders())))
            .set(
                SENDOUT.CLOSES_AT,
                sendout.closesAt() == null ? null : sendout.closesAt().atOffset(ZoneOffset.UTC))
            .set(
                SENDOUT.THANK_YOU,
                sendout.thankYou() == null ? null : JSONB.valueOf(Json.write(sendout.thankYou())))
            .onConflict(SENDOUT.TENANT_ID, SENDOUT.IDEMPOTENCY_KEY)
            .doNothing()
            .returningResult(SENDOUT.ID)
            .fetchOptional(SENDOUT.ID);
    if (inserted.isEmpty()) {
      return new Created(
          findByIdempotencyKey(sendout.tenantId(), sendout.idempotencyKey()).orElseThrow(), true);
    }
    queued.insertQueued(sendout.id(), sendout.recipients(), now);
    return new Created(find(sendout.tenantId(), sendout.id()).orElseThrow(), false);
  }

  public Optional<StoredSendout> find(String tenantId, UUID id) {
    return db.selectFrom(SENDOUT)
        .where(SENDOUT.ID.eq(id))
        .and(SENDOUT.TENANT_ID.eq(tenantId))
        .fetchOptional()
        .map(SendoutStore::toStored);
  }

  /** The tenant's sendout stored under this Idempotency-Key, if there is one. */
  public Optional<StoredSendout> findByIdempotencyKey(String tenantId, String idempotencyKey) {
    return db.selectFrom(SENDOUT)
        .where(SENDOUT.TENANT_ID.eq(tenantId))
        .and(SENDOUT.IDEMPOTENCY_KEY.eq(idempotencyKey))
        .fetchOptional()
        .map(SendoutStore::toStored);
  }

  public Optional<StoredSendout> find(UUID id) {
    return db.selectFrom(SENDOUT)
        .where(SENDOUT.ID.eq(id))
        .fetchOptional()
        .map(SendoutStore::toStored);
  }

  /**
   * The content a message carries: the invitation's; a reminder's, which is the invitation's with
   * the reminder's subject in place of its own if it gives one, and the reminder's body (text, html
   * or both) in place of the invitation's whole body if it gives one (a reminder with a text only
   * is not sent with the invitation's html, which every HTML mail client would show instead); or
   * the thank-you, which is its own subject, text and html from the invitation's sender.
   */
  public <T> T content(UUID id, ContentKey key, Class<T> type) {
    if (key.equals(ContentKey.INVITATION)) {
      return content(id, type);
    }
    var row =
        db.select(SENDOUT.CONTENT, SENDOUT.REMINDERS, SENDOUT.THANK_YOU)
            .from(SENDOUT)
            .where(SENDOUT.ID.eq(id))
            .fetchSingle();
    Map<String, Object> content = Json.readObject(row.value1());
    if (key.thankYou()) {
      // A thank-you keeps only the invitation's sender: none of its text.
      ThankYou thanks = Json.read(row.value3(), ThankYou.class);
      content.keySet().removeAll(List.of("subject", "text", "html"));
      putIfGiven(content, "subject", thanks.subject());
      putIfGiven(content, "text", thanks.text());
      putIfGiven(content, "html", thanks.html());
    } else {
      Reminder reminder = ReminderWaves.reminders(row.value2()).get(key.reminderIndex());
      putIfGiven(content, "subject", reminder.subject());
      if (reminder.text() != null || reminder.html() != null) {
        content.keySet().removeAll(List.of("text", "html"));
        putIfGiven(content, "text", reminder.text());
        putIfGiven(content, "html", reminder.html());
      }
    }
    return Json.read(JSONB.valueOf(Json.write(content)), type);
  }

  /**
   * A reminder's or the thank-you's own subject, text and html, each null where it gives none: a
   * recipient's values are filled into them too.
   *
   * @param at where the create request gave it, such as {@code /reminders/0} or {@code /thankYou}
   */
  public record LaterContent(String at, String subject, String text, String html) {}

  /** The sendout's reminders' and thank-you's own subjects and texts, in that order. */
  public List<LaterContent> laterContents(UUID id) {
    var row =
        db.select(SENDOUT.REMINDERS, SENDOUT.THANK_YOU)
            .from(SENDOUT)
            .where(SENDOUT.ID.eq(id))
            .fetchSingle();
    List<LaterContent> later = new ArrayList<>();
    List<Reminder> reminders = ReminderWaves.reminders(row.value1());
    for (int i = 0; i < reminders.size(); i++) {
      Reminder reminder = reminders.get(i);
      later.add(
          new LaterContent(
              "/reminders/" + i, reminder.subject(), reminder.text(), reminder.html()));
    }
    if (row.value2() != null) {
      ThankYou thanks = Json.read(row.value2(), ThankYou.class);
      later.add(new LaterContent("/thankYou", thanks.subject(), thanks.text(), thanks.html()));
    }
    return later;
  }

  private static void putIfGiven(Map<String, Object> content, String part, String value) {
    if (value != null) {
      content.put(part, value);
    }
  }

  /** The content the sendout was created with, as the channel's content record. */
  public <T> T content(UUID id, Class<T> type) {
    return Json.read(
        db.select(SENDOUT.CONTENT).from(SENDOUT).where(SENDOUT.ID.eq(id)).fetchSingle().value1(),
        type);
  }

  /** How many of the sendout's messages are in each status; every status is present. */
  public Map<MessageStatus, Integer> countByStatus(UUID id) {
    return countByStatus(id, DSL.noCondition());
  }

  /**
   * How many of the sendout's reminder messages are in each status; every status is present. Read
   * through the index of reminder waves, so it costs the reminders, not the sendout.
   */
  public Map<MessageStatus, Integer> countRemindersByStatus(UUID id) {
    return countByStatus(id, MESSAGE.REMINDER_WAVE_ID.isNotNull());
  }

  /** How many of the sendout's thank-yous are in each status, through their own index. */
  public Map<MessageStatus, Integer> countThankYousByStatus(UUID id) {
    return countByStatus(id, MESSAGE.THANKS_MESSAGE_ID.isNotNull());
  }

  /** A count of 0 for every status. */
  public static Map<MessageStatus, Integer> noMessages() {
    Map<MessageStatus, Integer> counts = new EnumMap<>(MessageStatus.class);
    for (MessageStatus status : MessageStatus.values()) {
      counts.put(status, 0);
    }
    return counts;
  }

  private Map<MessageStatus, Integer> countByStatus(UUID id, Condition which) {
    Map<MessageStatus, Integer> counts = noMessages();
    db.select(MESSAGE.STATUS, DSL.count())
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(which)
        .groupBy(MESSAGE.STATUS)
        .forEach(row -> counts.put(row.value1(), row.value2()));
    return counts;
  }

  /**
   * How many of the sendout's messages wait for their delivery window to open: QUEUED, or RELEASED
   * and held back at their provider call ({@code DeliveryStore.holdOutsideWindows}).
   */
  public int countWaitingForWindow(UUID id) {
    return db.fetchCount(
        MESSAGE,
        MESSAGE
            .SENDOUT_ID
            .eq(id)
            .and(
                MESSAGE
                    .STATUS
                    .eq(MessageStatus.QUEUED)
                    .and(MESSAGE.WINDOW_OPENS_AT.isNotNull())
                    .or(
                        MESSAGE
                            .STATUS
                            .eq(MessageStatus.RELEASED)
                            .and(MESSAGE.WINDOW_OPENS_AT.gt(now())))));
  }

  /**
   * How many of a sendout's messages are in each status, and how many of those have a response.
   * Every status is present in both maps.
   */
  public record StatusCounts(
      Map<MessageStatus, Integer> messages, Map<MessageStatus, Integer> responded) {

    /** Every message with a response, whatever its status. */
    public int respondedTotal() {
      return responded.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * {@link #countByStatus} and the responses per status. Two grouped counts, each from an index
   * alone (the responses from the partial index over the messages with one), rather than one pass
   * that would read every message row of the sendout to see its {@code responded_at}.
   */
  public StatusCounts countByStatusWithResponses(UUID id) {
    Map<MessageStatus, Integer> responded = noMessages();
    db.select(MESSAGE.STATUS, DSL.count())
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.RESPONDED_AT.isNotNull())
        .groupBy(MESSAGE.STATUS)
        .forEach(row -> responded.put(row.value1(), row.value2()));
    return new StatusCounts(countByStatus(id), responded);
  }

  /**
   * How many of the sendout's messages a new run of its completed workflow may count as sent: those
   * before its first QUEUED one, or all of them when none is QUEUED. A QUEUED message was added
   * after the last run heard of it (an addition committed as the run completed, its hand-off still
   * on the way).
   */
  public int countedBeforeFirstQueued(UUID id, int messageCount) {
    Integer firstQueued =
        db.select(DSL.min(MESSAGE.SEQ))
            .from(MESSAGE)
            .where(MESSAGE.SENDOUT_ID.eq(id))
            .and(MESSAGE.STATUS.eq(MessageStatus.QUEUED))
            .fetchOne(0, Integer.class);
    return firstQueued == null ? messageCount : Math.min(firstQueued, messageCount);
  }

  /**
   * Releases every QUEUED message and moves the sendout to SENDING. Idempotent: a second call finds
   * nothing QUEUED and keeps the first release time. Returns the sendout's message count.
   */
  @Transactional
  public int release(UUID id) {
    return release(id, false, null).messageCount();
  }

  /**
   * What a release did.
   *
   * @param messageCount the sendout's message count
   * @param keptSent whether the sendout was SENT and stayed so
   */
  public record ReleaseOutcome(int messageCount, boolean keptSent) {}

  /**
   * {@link #release(UUID)}, but with {@code keepSent} a sendout that is SENT stays SENT: its
   * workflow sends what this releases in the same workflow task, and records SENDING only if that
   * send does not end there ({@link #markSending}). A round of added recipients so leaves the
   * sendout's row unwritten (it was written SENDING here and SENT after), the row that additions
   * lock.
   *
   * @param only the ranges of sequence numbers to release, those of the added recipients the
   *     workflow plans: an addition stored since, whose range it has not been given yet, stays
   *     QUEUED for the round that plans it; null releases every QUEUED message
   */
  @Transactional
  public ReleaseOutcome release(UUID id, boolean keepSent, List<SeqRange> only) {
    // The sendout row is locked first, as recipient additions and support actions lock it, so that
    // the messages released and the count returned are the same set. Released first and counted
    // after, an addition committed in between was counted but left QUEUED, and the workflow took
    // its range for one it had released (found by the additions benchmark); the opposite lock
    // order also let a cancel deadlock with the release.
    var sendout =
        db.select(SENDOUT.RECIPIENT_COUNT, SENDOUT.STATUS)
            .from(SENDOUT)
            .where(SENDOUT.ID.eq(id))
            .forUpdate()
            .fetchSingle();
    OffsetDateTime now = now();
    queued.releaseQueued(id, only, now);
    boolean keptSent = keepSent && sendout.value2() == SendoutStatus.SENT;
    if (!keptSent) {
      markReleased(id, now);
    }
    return new ReleaseOutcome(sendout.value1(), keptSent);
  }

  /**
   * What a release within delivery windows did.
   *
   * @param messageCount all of the sendout's messages, released now or before, or waiting
   * @param released the sequence numbers this release moved to RELEASED, grouped by the multiple of
   *     the range size they fall in, each group as the range from its first to its last
   * @param nextOpening when the window next opens for a message left waiting; null when none is
   * @param releasedBefore whether messages of the sendout were released before this release (it is
   *     SENDING or beyond, as a run started again by the watchdog finds it)
   */
  public record WindowRelease(
      int messageCount, List<SeqRange> released, Instant nextOpening, boolean releasedBefore) {}

  /**
   * Releases the QUEUED messages whose window is open now, each in its own zone, and marks the
   * others as waiting until their window opens ({@code window_opens_at}). Idempotent by {@code
   * releaseId}: a retry of a release that committed answers with the messages that one released. A
   * sendout without a window releases every QUEUED message, as {@link #release} does.
   *
   * @param dueAt windows are judged at the later of this and the store's clock; may be null
   */
  @Transactional
  public WindowRelease releaseInWindows(UUID id, UUID releaseId, int rangeSize, Instant dueAt) {
    SendoutRecord sendout =
        db.selectFrom(SENDOUT).where(SENDOUT.ID.eq(id)).forUpdate().fetchSingle();
    DeliveryWindow window = toStored(sendout).window();
    OffsetDateTime now = now();
    Instant at = dueAt != null && dueAt.isAfter(now.toInstant()) ? dueAt : now.toInstant();
    List<String> open = new ArrayList<>();
    Map<String, Instant> waiting = new HashMap<>();
    for (String zone : queued.queuedZones(id)) {
      if (window == null || window.isOpen(at, TimeZones.stored(zone))) {
        open.add(zone);
      } else {
        waiting.put(zone, window.nextOpening(at, TimeZones.stored(zone)));
      }
    }
    queued.releaseZones(id, open, releaseId, now);
    waiting.forEach((zone, opens) -> queued.waitForWindow(id, zone, opens));
    if (!open.isEmpty()) {
      markReleased(id, now);
    }
    Instant next = waiting.values().stream().min(Instant::compareTo).orElse(null);
    return new WindowRelease(
        sendout.getRecipientCount(),
        SeqRanges.grouped(queued.releasedBy(id, releaseId), rangeSize),
        next,
        sendout.getReleasedAt() != null);
  }

  /** Moves a sendout that is not cancelled to SENDING, keeping its first release time. */
  private void markReleased(UUID id, OffsetDateTime now) {
    db.update(SENDOUT)
        .set(SENDOUT.STATUS, SendoutStatus.SENDING)
        .set(SENDOUT.RELEASED_AT, DSL.coalesce(SENDOUT.RELEASED_AT, now))
        .where(SENDOUT.ID.eq(id))
        .and(SENDOUT.CANCELLED_AT.isNull())
        .execute();
  }

  /**
   * Records that messages of a SENT sendout are being sent again: a round that {@link
   * #release(UUID, boolean)} kept SENT did not end its send in the workflow task.
   */
  public void markSending(UUID id) {
    db.update(SENDOUT)
        .set(SENDOUT.STATUS, SendoutStatus.SENDING)
        .where(SENDOUT.ID.eq(id))
        .and(SENDOUT.STATUS.eq(SendoutStatus.SENT))
        .execute();
  }

  /** Records that every message of the sendout has left our hands. */
  public void markSent(UUID id) {
    db.update(SENDOUT)
        .set(SENDOUT.STATUS, SendoutStatus.SENT)
        .set(SENDOUT.SENT_AT, DSL.coalesce(SENDOUT.SENT_AT, now()))
        .where(SENDOUT.ID.eq(id))
        .and(SENDOUT.STATUS.notIn(SendoutStatus.COMPLETED, SendoutStatus.CANCELLED))
        .execute();
  }

  /**
   * Records that every message of the sendout is settled; a cancelled sendout stays CANCELLED. A
   * pause ends with it: nothing is left to hold, and a resend's new run starts unpaused.
   */
  @Transactional
  public void markCompleted(UUID id) {
    db.update(SENDOUT)
        .set(SENDOUT.COMPLETED_AT, DSL.coalesce(SENDOUT.COMPLETED_AT, now()))
        .setNull(SENDOUT.PAUSED_AT)
        .where(SENDOUT.ID.eq(id))
        .execute();
    db.update(SENDOUT)
        .set(SENDOUT.STATUS, SendoutStatus.COMPLETED)
        .where(SENDOUT.ID.eq(id))
        .and(SENDOUT.CANCELLED_AT.isNull())
        .execute();
  }

  /**
   * What a completion found still to send, each as runs of consecutive sequence numbers.
   *
   * @param queued messages still QUEUED: recipients added as the run finished
   * @param unsent messages RELEASED that no provider call has taken: released by a run that stopped
   *     before its batches sent them (a workflow terminated, and restarted by the watchdog)
   * @param inFlight messages a provider call is sending, or that a provider accepted and no receipt
   *     has settled yet: with every batch of the run settled, a batch that a run which stopped
   *     started has them (counted only when nothing is QUEUED or unsent)
   * @param inFlightSentAt when the last of those in flight was sent (or accepted); null when none
   *     is
   */
  public record ToSend(
      List<SeqRange> queued, List<SeqRange> unsent, int inFlight, Instant inFlightSentAt) {

    public static final ToSend NOTHING = new ToSend(List.of(), List.of(), 0, null);

    public boolean isEmpty() {
      return queued.isEmpty() && unsent.isEmpty() && inFlight == 0;
    }
  }

  /**
   * Completes the sendout as {@link #markCompleted} does, unless it may still send and messages of
   * it are still to send: QUEUED, recipients added as its run finished, whose hand-off came after
   * the run's last round (or as it was finishing, when the run no longer takes one); or RELEASED
   * and never taken by a provider call, which nothing sends once every batch of the run has settled
   * (the run that released them stopped, and its batches with it). Then the sendout is not
   * completed, and those messages are answered, at most {@code limit} runs of each kind, for the
   * run to send before it completes. Nor is it completed while messages are in flight ({@link
   * ToSend#inFlight}): the run waits for the batches of the run before it. Read under the sendout's
   * row lock, which an addition takes too: an addition is either found here or refused as one to a
   * completed sendout.
   */
  @Transactional
  public ToSend completeUnlessMoreToSend(UUID id, int limit) {
    SendoutRecord sendout = db.selectFrom(SENDOUT).where(SENDOUT.ID.eq(id)).forUpdate().fetchOne();
    if (sendout != null
        && sendout.getClosedAt() == null
        && toStored(sendout).open(clock.instant())) {
      Condition unsent =
          MESSAGE.STATUS.eq(MessageStatus.RELEASED).and(MESSAGE.SEND_STARTED_AT.isNull());
      List<SeqRange> queued = runs(id, MESSAGE.STATUS.eq(MessageStatus.QUEUED), limit);
      List<SeqRange> unsentRuns = runs(id, unsent, limit);
      ToSend toSend =
          queued.isEmpty() && unsentRuns.isEmpty()
              ? inFlight(id)
              : new ToSend(queued, unsentRuns, 0, null);
      if (!toSend.isEmpty()) {
        return toSend;
      }
    }
    markCompleted(id);
    return ToSend.NOTHING;
  }

  /**
   * The sendout's messages in flight, when none is QUEUED or unsent: then every RELEASED message is
   * in a provider call, and every ACCEPTED one awaits its receipt.
   */
  private ToSend inFlight(UUID id) {
    var found =
        db.select(DSL.count(), DSL.max(DSL.greatest(MESSAGE.SEND_STARTED_AT, MESSAGE.ACCEPTED_AT)))
            .from(MESSAGE)
            .where(MESSAGE.SENDOUT_ID.eq(id))
            .and(MESSAGE.STATUS.in(MessageStatus.RELEASED, MessageStatus.ACCEPTED))
            .fetchSingle();
    return new ToSend(List.of(), List.of(), found.value1(), instant(found.value2()));
  }

  private List<SeqRange> runs(UUID id, Condition which, int limit) {
    return MessageTransitions.runs(
        db,
        DSL.select(MESSAGE.SEQ).from(MESSAGE).where(MESSAGE.SENDOUT_ID.eq(id)).and(which),
        limit);
  }

  /** Clears when the next reminder wave is due: for a run that sends no more waves. */
  public void clearNextReminder(UUID id) {
    db.update(SENDOUT).setNull(SENDOUT.NEXT_REMINDER_AT).where(SENDOUT.ID.eq(id)).execute();
  }

  /**
   * True while support staff have paused the sendout, and its survey has not closed: once it has,
   * every message not yet claimed is CANCELLED, so a delivery call let through finds nothing to
   * send, and the sendout completes instead of waiting for a resume with nothing left to resume.
   */
  public boolean isPaused(UUID id) {
    return db.fetchExists(
        SENDOUT,
        SENDOUT.ID.eq(id).and(SENDOUT.PAUSED_AT.isNotNull()).and(SENDOUT.CLOSED_AT.isNull()));
  }

  /**
   * The outbox: sendouts created before {@code createdBefore} whose workflow has not been started
   * yet, oldest first. Not locked: a relay starts each one with a Temporal call, and a row lock
   * held across that call would make the sendout's own Release, which locks the row, wait for it.
   */
  public List<StoredSendout> unstarted(int limit, Instant createdBefore) {
    return db.selectFrom(SENDOUT)
        .where(SENDOUT.WORKFLOW_STARTED_AT.isNull())
        .and(SENDOUT.CREATED_AT.lt(createdBefore.atOffset(ZoneOffset.UTC)))
        .orderBy(SENDOUT.CREATED_AT)
        .limit(limit)
        .fetch(SendoutStore::toStored);
  }

  public void markWorkflowStarted(UUID id) {
    db.update(SENDOUT)
        .set(SENDOUT.WORKFLOW_STARTED_AT, now())
        .where(SENDOUT.ID.eq(id))
        .and(SENDOUT.WORKFLOW_STARTED_AT.isNull())
        .execute();
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  public static StoredSendout toStored(SendoutRecord r) {
    return new StoredSendout(
        r.getId(),
        r.getTenantId(),
        r.getChannel(),
        r.getStatus(),
        r.getRecipientCount(),
        r.getSendAt().toInstant(),
        Duration.ofSeconds(r.getReceiptTimeoutSeconds()),
        r.getCreatedAt().toInstant(),
        instant(r.getWorkflowStartedAt()),
        instant(r.getReleasedAt()),
        instant(r.getSentAt()),
        instant(r.getCompletedAt()),
        r.getRequestHash(),
        window(r.getDeliveryWindow()),
        r.getTimeZone(),
        ReminderWaves.reminders(r.getReminders()).size(),
        instant(r.getClosesAt()),
        instant(r.getNextReminderAt()),
        r.getReminderMessages(),
        r.getThankYou() != null,
        r.getThankYouMessages());
  }

  /** A sendout's delivery window as stored; null for none. */
  public static DeliveryWindow window(JSONB stored) {
    return stored == null
        ? null
        : DeliveryWindow.of(Json.read(stored, DeliveryWindow.Written.class));
  }
}
