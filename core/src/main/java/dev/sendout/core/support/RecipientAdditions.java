package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.RECIPIENT_ADDITION;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;

import dev.sendout.core.sendout.NewSendout.Recipient;
import dev.sendout.core.sendout.QueuedMessages;
import dev.sendout.core.store.jooq.tables.records.SendoutRecord;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Recipients added to a sendout after it was created. The sendout row is locked while its next
 * sequence numbers are taken, so that two concurrent additions never number messages alike; the
 * caller's Idempotency-Key makes a retried addition return the first one's range.
 */
@Repository
public class RecipientAdditions {

  /** The {@code last_error} of added messages that a finished sendout will never send. */
  public static final String TOO_LATE = "Added after the sendout had finished";

  private final DSLContext db;
  private final QueuedMessages queued;
  private final AuditTrail audit;
  private final Clock clock;

  public RecipientAdditions(DSLContext db, QueuedMessages queued, AuditTrail audit, Clock clock) {
    this.db = db;
    this.queued = queued;
    this.audit = audit;
    this.clock = clock;
  }

  /** What became of an addition. */
  public enum Outcome {
    /** The messages were stored as QUEUED under new sequence numbers. */
    ADDED,
    /**
     * The key was used before: nothing was stored, {@link Addition#messages} is the first range.
     */
    REPLAYED,
    /** No sendout with that id (for that tenant). */
    NO_SENDOUT,
    /** The sendout is completed or cancelled: nothing was stored. */
    FINISHED,
    /** The sendout's closesAt has passed: nothing was stored, since nothing more is sent. */
    CLOSED
  }

  /**
   * The result of {@link #add}.
   *
   * @param messages the added range; null for {@link Outcome#NO_SENDOUT}, {@link Outcome#FINISHED}
   *     and {@link Outcome#CLOSED}
   * @param requestHash the fingerprint stored with the key, to tell a retry from a key reused for
   *     another request; null unless {@link Outcome#REPLAYED}
   * @param status the sendout's status; null for {@link Outcome#NO_SENDOUT}
   */
  public record Addition(
      Outcome outcome, SeqRange messages, String requestHash, SendoutStatus status) {}

  /**
   * Recipients to add, read while the addition is stored: a request's list, or an upload streamed
   * in chunks so that its size does not decide the memory it takes.
   */
  public interface RecipientSource {

    /** The next chunk, validated; empty once there is no more. */
    List<Recipient> next();

    /** The fingerprint of the whole request; asked once every chunk has been read. */
    String requestHash();

    /** A list checked and fingerprinted beforehand. */
    static RecipientSource of(List<Recipient> recipients, String requestHash) {
      return new RecipientSource() {
        private boolean read;

        @Override
        public List<Recipient> next() {
          if (read) {
            return List.of();
          }
          read = true;
          return recipients;
        }

        @Override
        public String requestHash() {
          return requestHash;
        }
      };
    }
  }

  /**
   * One addition to store.
   *
   * @param idempotencyKey the caller's key, or one made up for a call that gave none
   * @param actor who added them, for the audit trail
   */
  public record Request(String idempotencyKey, RecipientSource recipients, String actor) {}

  /** Whether an addition to this sendout was stored under this Idempotency-Key already. */
  public boolean isKnown(UUID sendoutId, String idempotencyKey) {
    return db.fetchExists(
        RECIPIENT_ADDITION,
        RECIPIENT_ADDITION
            .SENDOUT_ID
            .eq(sendoutId)
            .and(RECIPIENT_ADDITION.IDEMPOTENCY_KEY.eq(idempotencyKey)));
  }

  /** Stores one addition: {@link #addAll} of one, in a transaction of its own. */
  @Transactional
  public Addition add(
      String tenantId,
      UUID sendoutId,
      String idempotencyKey,
      RecipientSource recipients,
      String actor) {
    return addAll(tenantId, sendoutId, List.of(new Request(idempotencyKey, recipients, actor)))
        .get(0);
  }

  /**
   * Stores additions to one sendout in one transaction, under one lock of the sendout's row: each
   * one's recipients as QUEUED messages numbered on from the sendout's recipient count, in the
   * order given, the raised count, and each addition with its audit entry. Additions that arrive
   * together are stored together, so that callers adding to the same sendout share one lock and one
   * commit rather than queueing for one each. A key stored before, or earlier in the same call,
   * returns its range and stores nothing. Returns one result per request, in order.
   *
   * @throws DuplicateExternalIdException when a recipient repeats an {@code externalId} the sendout
   *     has (checked under the row lock, so two concurrent additions cannot both take it); the
   *     whole call rolls back
   */
  @Transactional
  public List<Addition> addAll(String tenantId, UUID sendoutId, List<Request> requests) {
    SendoutRecord sendout =
        db.selectFrom(SENDOUT)
            .where(SENDOUT.ID.eq(sendoutId))
            .and(SENDOUT.TENANT_ID.eq(tenantId))
            .forUpdate()
            .fetchOne();
    OffsetDateTime now = now();
    Outcome refusal =
        sendout == null
            ? Outcome.NO_SENDOUT
            : isFinished(sendout)
                ? Outcome.FINISHED
                : isClosed(sendout, now) ? Outcome.CLOSED : null;
    if (refusal != null) {
      Addition refused =
          new Addition(refusal, null, null, sendout == null ? null : sendout.getStatus());
      return requests.stream().map(request -> refused).toList();
    }
    Map<String, Addition> byKey = earlier(sendoutId, requests, sendout.getStatus());
    var queue = new Queueing(sendoutId, sendout.getRecipientCount(), now);
    List<Addition> results = new ArrayList<>();
    List<Request> stored = new ArrayList<>();
    for (Request request : requests) {
      Addition known = byKey.get(request.idempotencyKey());
      if (known != null) {
        // Read to the end, storing nothing, so that the caller can compare the two requests.
        while (!request.recipients().next().isEmpty()) {}
        results.add(known);
        continue;
      }
      int from = queue.next;
      queue.startsAt(from);
      for (var chunk = request.recipients().next();
          !chunk.isEmpty();
          chunk = request.recipients().next()) {
        queue.add(chunk);
      }
      var range = new SeqRange(from, queue.next);
      byKey.put(
          request.idempotencyKey(),
          new Addition(
              Outcome.REPLAYED, range, request.recipients().requestHash(), sendout.getStatus()));
      results.add(new Addition(Outcome.ADDED, range, null, sendout.getStatus()));
      stored.add(request);
    }
    queue.flush();
    if (!stored.isEmpty()) {
      record(sendoutId, stored, byKey, queue.next, now);
    }
    return results;
  }

  /** The additions stored before under the requests' keys, as their replays. */
  private Map<String, Addition> earlier(
      UUID sendoutId, List<Request> requests, SendoutStatus status) {
    Map<String, Addition> byKey = new HashMap<>();
    db.selectFrom(RECIPIENT_ADDITION)
        .where(RECIPIENT_ADDITION.SENDOUT_ID.eq(sendoutId))
        .and(
            RECIPIENT_ADDITION.IDEMPOTENCY_KEY.in(
                requests.stream().map(Request::idempotencyKey).toList()))
        .forEach(
            row ->
                byKey.put(
                    row.getIdempotencyKey(),
                    new Addition(
                        Outcome.REPLAYED,
                        new SeqRange(row.getFromSeq(), row.getToSeq()),
                        row.getRequestHash(),
                        status)));
    return byKey;
  }

  /**
   * Raises the sendout's count and records each stored addition and its audit entry: three
   * statements sent in one batch, one round trip, while the sendout's row lock is held.
   */
  private void record(
      UUID sendoutId,
      List<Request> stored,
      Map<String, Addition> byKey,
      int recipientCount,
      OffsetDateTime now) {
    var count =
        db.update(SENDOUT)
            .set(SENDOUT.RECIPIENT_COUNT, recipientCount)
            .where(SENDOUT.ID.eq(sendoutId));
    var insert =
        db.insertInto(
            RECIPIENT_ADDITION,
            RECIPIENT_ADDITION.SENDOUT_ID,
            RECIPIENT_ADDITION.IDEMPOTENCY_KEY,
            RECIPIENT_ADDITION.REQUEST_HASH,
            RECIPIENT_ADDITION.FROM_SEQ,
            RECIPIENT_ADDITION.TO_SEQ,
            RECIPIENT_ADDITION.CREATED_AT);
    List<AuditTrail.Action> actions = new ArrayList<>();
    for (Request request : stored) {
      Addition addition = byKey.get(request.idempotencyKey());
      SeqRange range = addition.messages();
      insert =
          insert.values(
              sendoutId,
              request.idempotencyKey(),
              addition.requestHash(),
              range.fromSeq(),
              range.toSeq(),
              now);
      actions.add(
          new AuditTrail.Action(
              actionId(request.idempotencyKey()),
              SupportActionType.ADD_RECIPIENTS,
              request.actor(),
              null,
              range.size()));
    }
    db.batch(count, insert, audit.insertAll(sendoutId, actions)).execute();
  }

  /**
   * Recipients on their way into the store, numbered on from {@code next}: copied in chunks of up
   * to a thousand, so that many small additions make one COPY and a large one never sits whole in
   * memory.
   */
  private final class Queueing {
    private static final int CHUNK = 1000;
    private final UUID sendoutId;
    private final OffsetDateTime now;
    private final List<Recipient> waiting = new ArrayList<>();
    private final TreeSet<Integer> requestStarts = new TreeSet<>();
    private int next;

    Queueing(UUID sendoutId, int next, OffsetDateTime now) {
      this.sendoutId = sendoutId;
      this.next = next;
      this.now = now;
    }

    void add(List<Recipient> chunk) {
      waiting.addAll(chunk);
      next += chunk.size();
      if (waiting.size() >= CHUNK) {
        flush();
      }
    }

    /** A request's recipients begin at this sequence number. */
    void startsAt(int seq) {
      requestStarts.add(seq);
    }

    void flush() {
      if (!waiting.isEmpty()) {
        checkExternalIds();
        queued.insertQueued(sendoutId, next - waiting.size(), waiting, now);
        waiting.clear();
      }
    }

    /**
     * Refuses the first waiting recipient whose externalId is taken: by one waiting before it, or
     * by a message stored before, including those of this transaction's earlier chunks. The unique
     * index would refuse it too, but as an error that names neither the recipient nor the id.
     */
    private void checkExternalIds() {
      int first = next - waiting.size();
      Map<String, Integer> seqs = new HashMap<>();
      for (int i = 0; i < waiting.size(); i++) {
        String id = waiting.get(i).externalId();
        if (id != null && seqs.putIfAbsent(id, first + i) != null) {
          throw duplicate(first + i, id);
        }
      }
      if (seqs.isEmpty()) {
        return;
      }
      db
          .select(MESSAGE.EXTERNAL_ID)
          .from(MESSAGE)
          .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
          .and(MESSAGE.EXTERNAL_ID.in(seqs.keySet()))
          .fetch(MESSAGE.EXTERNAL_ID)
          .stream()
          .min(Comparator.comparing(seqs::get))
          .ifPresent(
              taken -> {
                throw duplicate(seqs.get(taken), taken);
              });
    }

    private DuplicateExternalIdException duplicate(int seq, String externalId) {
      return new DuplicateExternalIdException(seq - requestStarts.floor(seq), externalId);
    }
  }

  /**
   * Cancels the added messages that are still QUEUED, for a sendout whose workflow refused them or
   * had already finished: they would otherwise wait forever and be flagged NOT_RELEASED. Messages
   * that did move on were taken by the workflow and are left alone. Returns how many it cancelled.
   */
  public int cancelUnsent(UUID sendoutId, SeqRange range) {
    OffsetDateTime now = now();
    return db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.CANCELLED)
        .set(MESSAGE.FINISHED_AT, now)
        .set(MESSAGE.LAST_ERROR, TOO_LATE)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.SEQ.ge(range.fromSeq()))
        .and(MESSAGE.SEQ.lt(range.toSeq()))
        .and(MESSAGE.STATUS.eq(MessageStatus.QUEUED))
        .execute();
  }

  /**
   * The audit trail's action id of an addition; also the workflow Update's id, so that the trail
   * and the workflow's history name the same call.
   */
  public static String actionId(String idempotencyKey) {
    return "add-" + idempotencyKey;
  }

  /**
   * Past its closesAt a sendout sends nothing more: its workflow would leave what is added QUEUED
   * for good, so an addition is refused instead.
   */
  private static boolean isClosed(SendoutRecord sendout, OffsetDateTime now) {
    return sendout.getClosesAt() != null && !now.isBefore(sendout.getClosesAt());
  }

  private static boolean isFinished(SendoutRecord sendout) {
    return sendout.getStatus() == SendoutStatus.COMPLETED
        || sendout.getStatus() == SendoutStatus.CANCELLED
        || sendout.getCompletedAt() != null
        || sendout.getCancelledAt() != null;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }
}
