package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.RECIPIENT_ADDITION;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;

import dev.sendout.core.sendout.NewSendout.Recipient;
import dev.sendout.core.sendout.QueuedMessages;
import dev.sendout.core.store.MessageTransitions;
import dev.sendout.core.store.jooq.tables.records.SendoutRecord;
import dev.sendout.core.support.RepeatedRecipientException.Repeats;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
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
    /**
     * The sendout's survey is closed (its closesAt has passed, or its workflow closed it): nothing
     * was stored, since nothing more is sent.
     */
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

  /**
   * How an addition to the tenant's sendout would be refused now (FINISHED or CLOSED, with the
   * status additions see), or null while it takes recipients or is not the tenant's. Read without
   * the row lock: a check that spares reading an upload in vain; the addition decides again under
   * the lock.
   */
  public Addition refusal(String tenantId, UUID sendoutId) {
    SendoutRecord sendout =
        db.selectFrom(SENDOUT)
            .where(SENDOUT.ID.eq(sendoutId))
            .and(SENDOUT.TENANT_ID.eq(tenantId))
            .fetchOne();
    Outcome refusal = sendout == null ? null : refusal(sendout, now());
    return refusal == null ? null : new Addition(refusal, null, null, statusOf(sendout));
  }

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
   * order given, the raised count, and each addition with its audit entry. A key stored before, or
   * earlier in the same call, returns its range and stores nothing. Returns one result per request,
   * in order.
   *
   * @throws DuplicateExternalIdException when a recipient repeats an {@code externalId} the sendout
   *     has (checked under the row lock, so two concurrent additions cannot both take it); the
   *     whole call rolls back
   * @throws RepeatedRecipientException when a recipient of a request read in chunks (an upload)
   *     repeats the address of one in an earlier chunk of it; the whole call rolls back
   */
  @Transactional
  public List<Addition> addAll(String tenantId, UUID sendoutId, List<Request> requests) {
    SendoutRecord sendout =
        db.selectFrom(SENDOUT)
            .where(SENDOUT.ID.eq(sendoutId))
            .and(SENDOUT.TENANT_ID.eq(tenantId))
            .forUpdate()
            .fetchOne();
    if (sendout == null) {
      Addition refused = new Addition(Outcome.NO_SENDOUT, null, null, null);
      return requests.stream().map(request -> refused).toList();
    }
    return store(List.of(sendout), List.of(requests)).get(0);
  }

  /** Additions to one sendout, in the order they came: what {@link #addAll(String, List)} takes. */
  public record ToSendout(UUID sendoutId, List<Request> requests) {}

  /**
   * Stores additions to several of a tenant's sendouts in one transaction, each sendout's as {@link
   * #addAll(String, UUID, List)} stores them: callers adding to many sendouts at once share one
   * commit, one COPY and one batch of writes, rather than taking a transaction each (an {@code
   * externalId} given is still checked with a query per sendout). A sendout's row another
   * transaction holds (an upload streaming into it, say) is skipped rather than waited for: so that
   * a lock held for long holds up only the additions to its own sendout, not every one stored with
   * them. Each sendout is to be listed once. Returns the results of each {@link ToSendout}, in
   * order, or null for a sendout not locked here (held elsewhere, or not the tenant's): the caller
   * stores those with {@link #addAll(String, UUID, List)}, which waits for the row and tells an
   * unknown sendout apart.
   *
   * @throws DuplicateExternalIdException as {@link #addAll(String, UUID, List)} does; the whole
   *     call rolls back
   */
  @Transactional
  public List<List<Addition>> addAll(String tenantId, List<ToSendout> additions) {
    Map<UUID, SendoutRecord> locked =
        db.selectFrom(SENDOUT)
            .where(SENDOUT.ID.in(additions.stream().map(ToSendout::sendoutId).toList()))
            .and(SENDOUT.TENANT_ID.eq(tenantId))
            .orderBy(SENDOUT.ID)
            .forUpdate()
            .skipLocked()
            .fetchMap(SENDOUT.ID);
    List<SendoutRecord> sendouts = new ArrayList<>();
    List<List<Request>> requests = new ArrayList<>();
    for (ToSendout addition : additions) {
      SendoutRecord sendout = locked.get(addition.sendoutId());
      if (sendout != null) {
        sendouts.add(sendout);
        requests.add(addition.requests());
      }
    }
    var stored = store(sendouts, requests).iterator();
    return additions.stream()
        .map(addition -> locked.containsKey(addition.sendoutId()) ? stored.next() : null)
        .toList();
  }

  /**
   * Stores the requests to each of these sendouts, whose rows this transaction has locked: one COPY
   * for every sendout's messages (in chunks), and one batch of statements for their counts, the
   * additions and their audit entries. Returns each sendout's results, in order.
   */
  private List<List<Addition>> store(List<SendoutRecord> sendouts, List<List<Request>> requests) {
    OffsetDateTime now = now();
    var copy = new Copy(now);
    List<List<Addition>> results = new ArrayList<>();
    List<Queueing> queueings = new ArrayList<>();
    Map<UUID, Map<String, Addition>> earlier = earlier(sendouts, requests);
    for (int s = 0; s < sendouts.size(); s++) {
      SendoutRecord sendout = sendouts.get(s);
      Outcome refusal = refusal(sendout, now);
      Map<String, Addition> byKey = earlier.getOrDefault(sendout.getId(), new HashMap<>());
      var queue = new Queueing(sendout.getId(), sendout.getRecipientCount(), copy);
      List<Addition> added = new ArrayList<>();
      for (Request request : requests.get(s)) {
        // A retry of a stored addition is answered as such even once the sendout has finished:
        // refused, its caller would take the recipients for not added and add them elsewhere.
        Addition known = byKey.get(request.idempotencyKey());
        if (known != null) {
          // Read to the end, storing nothing, so that the caller can compare the two requests.
          while (!request.recipients().next().isEmpty()) {}
          added.add(known);
          continue;
        }
        if (refusal != null) {
          added.add(new Addition(refusal, null, null, statusOf(sendout)));
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
        var replay =
            new Addition(
                Outcome.REPLAYED, range, request.recipients().requestHash(), sendout.getStatus());
        byKey.put(request.idempotencyKey(), replay);
        added.add(new Addition(Outcome.ADDED, range, null, sendout.getStatus()));
        queue.stored(request, replay);
      }
      queue.flush();
      queueings.add(queue);
      results.add(added);
    }
    copy.flush();
    record(queueings, now);
    return results;
  }

  /**
   * The additions stored before under the requests' keys, as their replays, by sendout: one query
   * for every sendout (it may return a key of one sendout that another's request gives, which is
   * dropped here).
   */
  private Map<UUID, Map<String, Addition>> earlier(
      List<SendoutRecord> sendouts, List<List<Request>> requests) {
    Map<UUID, SendoutStatus> statuses = new HashMap<>();
    Map<UUID, Set<String>> keys = new HashMap<>();
    for (int s = 0; s < sendouts.size(); s++) {
      statuses.put(sendouts.get(s).getId(), sendouts.get(s).getStatus());
      keys.put(
          sendouts.get(s).getId(),
          requests.get(s).stream().map(Request::idempotencyKey).collect(Collectors.toSet()));
    }
    Map<UUID, Map<String, Addition>> bySendout = new HashMap<>();
    if (sendouts.isEmpty()) {
      return bySendout;
    }
    db.selectFrom(RECIPIENT_ADDITION)
        .where(RECIPIENT_ADDITION.SENDOUT_ID.in(keys.keySet()))
        .and(
            RECIPIENT_ADDITION.IDEMPOTENCY_KEY.in(
                keys.values().stream().flatMap(Set::stream).collect(Collectors.toSet())))
        .forEach(
            row -> {
              if (keys.get(row.getSendoutId()).contains(row.getIdempotencyKey())) {
                bySendout
                    .computeIfAbsent(row.getSendoutId(), id -> new HashMap<>())
                    .put(
                        row.getIdempotencyKey(),
                        new Addition(
                            Outcome.REPLAYED,
                            new SeqRange(row.getFromSeq(), row.getToSeq()),
                            row.getRequestHash(),
                            statuses.get(row.getSendoutId())));
              }
            });
    return bySendout;
  }

  /**
   * Raises the counts of the sendouts that took recipients, and records each stored addition and
   * its audit entry: three statements sent in one batch, one round trip, while the rows are locked.
   */
  private void record(List<Queueing> queueings, OffsetDateTime now) {
    List<Queueing> grown = queueings.stream().filter(q -> !q.stored.isEmpty()).toList();
    if (grown.isEmpty()) {
      return;
    }
    Map<UUID, Integer> counts = new HashMap<>();
    var insert =
        db.insertInto(
            RECIPIENT_ADDITION,
            RECIPIENT_ADDITION.SENDOUT_ID,
            RECIPIENT_ADDITION.IDEMPOTENCY_KEY,
            RECIPIENT_ADDITION.REQUEST_HASH,
            RECIPIENT_ADDITION.FROM_SEQ,
            RECIPIENT_ADDITION.TO_SEQ,
            RECIPIENT_ADDITION.CREATED_AT);
    Map<UUID, List<AuditTrail.Action>> actions = new LinkedHashMap<>();
    for (Queueing queue : grown) {
      counts.put(queue.sendoutId, queue.next);
      for (Stored stored : queue.stored) {
        Request request = stored.request();
        Addition addition = stored.replay();
        SeqRange range = addition.messages();
        insert =
            insert.values(
                queue.sendoutId,
                request.idempotencyKey(),
                addition.requestHash(),
                range.fromSeq(),
                range.toSeq(),
                now);
        actions
            .computeIfAbsent(queue.sendoutId, id -> new ArrayList<>())
            .add(
                new AuditTrail.Action(
                    actionId(request.idempotencyKey()),
                    SupportActionType.ADD_RECIPIENTS,
                    request.actor(),
                    null,
                    range.size()));
      }
    }
    var raise =
        db.update(SENDOUT)
            .set(
                SENDOUT.RECIPIENT_COUNT,
                DSL.case_(SENDOUT.ID).mapValues(counts).otherwise(SENDOUT.RECIPIENT_COUNT))
            .where(SENDOUT.ID.in(counts.keySet()));
    db.batch(raise, insert, audit.insertAll(actions)).execute();
  }

  /** An addition stored in this transaction, and what a replay of it answers. */
  private record Stored(Request request, Addition replay) {}

  /**
   * One COPY for the messages of every sendout of a transaction, sent once it holds a thousand
   * recipients (a large addition is so copied in chunks, never whole in memory) and at the end.
   */
  private final class Copy {
    private static final int CHUNK = 1000;
    private final OffsetDateTime now;
    private final List<QueuedMessages.Segment> segments = new ArrayList<>();
    private int size;

    Copy(OffsetDateTime now) {
      this.now = now;
    }

    void add(QueuedMessages.Segment segment) {
      segments.add(segment);
      size += segment.recipients().size();
      if (size >= CHUNK) {
        flush();
      }
    }

    void flush() {
      if (!segments.isEmpty()) {
        queued.insertQueued(segments, now);
        segments.clear();
        size = 0;
      }
    }
  }

  /**
   * The ids of {0} that messages of sendout {1} have. Each id is looked up on its own in its unique
   * index, {@code (sendout_id, external_id)}: the {@code offset 0} keeps the planner from joining a
   * chunk's values to the sendout's rows as a whole. Left to choose, it did that on a fresh
   * database: with no statistics it took the sendout's rows for one and read them all once per
   * value, so each chunk of an upload cost as much as the rows before it, and an upload of 100,000
   * ran for more than a quarter of an hour, holding the sendout's lock.
   */
  static final String TAKEN_EXTERNAL_IDS =
      "select v.id, m.seq from unnest({0}) as v(id) cross join lateral"
          + " (select seq from message where sendout_id = {1} and external_id = v.id offset 0) m";

  /**
   * The addresses (in lower case) of a request being stored that spans chunks, each with its
   * sequence number, in a table of the transaction's own, whose primary key finds a repeat with no
   * plan to choose. Looked up in the message table's index {@code (sendout_id, lower(address))}, an
   * upload's chunks were checked with a plan the planner made while the table looked nearly empty
   * (its statistics from a vacuum after an upload that rolled back, its indexes bloated), which
   * read the sendout's earlier rows for each address: each chunk cost as much as all those before
   * it, and an upload of 200,000 stored 22 chunks in 98 s, holding its sendout.
   */
  static final String REQUEST_ADDRESSES =
      "create temporary table if not exists request_address"
          + " (address text primary key, seq integer not null) on commit drop";

  /** Adds addresses {0} at seqs {1} to the request's, but those it has: returns the seqs added. */
  static final String ADD_REQUEST_ADDRESSES =
      "insert into request_address (address, seq) select * from unnest({0}, {1})"
          + " on conflict (address) do nothing returning seq";

  /**
   * One sendout's recipients on their way into the store, numbered on from {@code next}, and the
   * additions stored. Its recipients go to the {@link Copy} a thousand at a time, each time checked
   * for an {@code externalId} taken before and for an address an earlier chunk of its request has,
   * and a full chunk is copied at once, so that the externalId check of the next chunk finds it in
   * the store.
   */
  private final class Queueing {
    private final UUID sendoutId;
    private final Copy copy;
    private List<Recipient> waiting = new ArrayList<>();
    private final TreeSet<Integer> requestStarts = new TreeSet<>();
    private final List<Stored> stored = new ArrayList<>();
    private int next;

    /** The request whose addresses {@code request_address} holds, by its first seq; or none. */
    private Integer indexed;

    /**
     * The addresses of the last request of the chunk stored last, from {@code carriedFrom} on: the
     * next chunk may go on with it, and is then checked against them.
     */
    private List<String> carried = List.of();

    private int carriedFrom;

    Queueing(UUID sendoutId, int next, Copy copy) {
      this.sendoutId = sendoutId;
      this.next = next;
      this.copy = copy;
    }

    void add(List<Recipient> chunk) {
      waiting.addAll(chunk);
      next += chunk.size();
      if (waiting.size() >= Copy.CHUNK) {
        flush();
        // Into the store now, whatever else the COPY holds: the next chunk's externalId check reads
        // it there.
        copy.flush();
      }
    }

    /** A request's recipients begin at this sequence number. */
    void startsAt(int seq) {
      requestStarts.add(seq);
    }

    /** The request was stored: to be recorded with what a replay of it answers. */
    void stored(Request request, Addition replay) {
      stored.add(new Stored(request, replay));
    }

    void flush() {
      if (!waiting.isEmpty()) {
        checkExternalIds();
        checkAddressesOfEarlierChunks();
        copy.add(new QueuedMessages.Segment(sendoutId, next - waiting.size(), waiting));
        waiting = new ArrayList<>();
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
        Integer earlier = id == null ? null : seqs.putIfAbsent(id, first + i);
        if (earlier != null) {
          throw repeatedOrTaken(first + i, id, earlier);
        }
      }
      if (seqs.isEmpty()) {
        return;
      }
      db
          .resultQuery(
              TAKEN_EXTERNAL_IDS,
              MessageTransitions.array(seqs.keySet(), String[]::new),
              DSL.val(sendoutId))
          .fetch()
          .stream()
          .min(Comparator.comparing(taken -> seqs.get(taken.get(0, String.class))))
          .ifPresent(
              taken -> {
                String id = taken.get(0, String.class);
                throw repeatedOrTaken(seqs.get(id), id, taken.get(1, Integer.class));
              });
    }

    /**
     * The externalId of the recipient at {@code seq} is that of the one at {@code earlier}: a
     * repeat within its own request (of an earlier chunk of an upload), the caller's mistake as a
     * repeat within one chunk is; or an id the sendout had before, or another addition took.
     */
    private RuntimeException repeatedOrTaken(int seq, String externalId, int earlier) {
      int requestStart = requestStarts.floor(seq);
      return earlier >= requestStart
          ? new RepeatedRecipientException(
              Repeats.EXTERNAL_ID, seq - requestStart, earlier - requestStart)
          : duplicate(seq, externalId);
    }

    /**
     * Refuses the first waiting recipient whose address an earlier chunk of its own request has.
     * The api checks the recipients it hands over for repeated addresses, a whole JSON request at
     * once; an upload it reads and checks a chunk at a time, so a repeat across its chunks is found
     * here: a request that goes on past its first chunk has its addresses kept in {@link
     * #REQUEST_ADDRESSES}, the first chunk's (carried from its flush) and each later one's as it is
     * checked. Addresses are compared as the api compares them: in lower case (stored email
     * addresses are ASCII, phone numbers E.164). A recipient the sendout had before the request is
     * no repeat.
     */
    private void checkAddressesOfEarlierChunks() {
      int first = next - waiting.size();
      int requestStart = requestStarts.floor(first);
      if (requestStart < first) {
        Integer nextRequest = requestStarts.higher(first);
        int end = nextRequest == null ? next : nextRequest;
        if (indexed == null || indexed != requestStart) {
          db.execute(REQUEST_ADDRESSES);
          db.execute("truncate request_address");
          addAddresses(carriedFrom, carried);
          indexed = requestStart;
        }
        Set<Integer> added = addAddresses(first, addresses(first, end));
        for (int seq = first; seq < end; seq++) {
          if (!added.contains(seq)) {
            int earlier =
                db.resultQuery(
                        "select seq from request_address where address = {0}",
                        DSL.val(address(seq)))
                    .fetchSingle(0, Integer.class);
            throw new RepeatedRecipientException(
                Repeats.ADDRESS, seq - requestStart, earlier - requestStart);
          }
        }
      }
      int last = requestStarts.floor(next - 1);
      carriedFrom = Math.max(last, first);
      carried = indexed != null && indexed == last ? List.of() : addresses(carriedFrom, next);
    }

    /** The lower-case addresses of the waiting recipients at seqs {@code from} until {@code to}. */
    private List<String> addresses(int from, int to) {
      List<String> addresses = new ArrayList<>(to - from);
      for (int seq = from; seq < to; seq++) {
        addresses.add(address(seq));
      }
      return addresses;
    }

    private String address(int seq) {
      return waiting.get(seq - (next - waiting.size())).address().toLowerCase(Locale.ROOT);
    }

    /** Adds addresses at seqs from {@code from} on to the request's; returns the seqs added. */
    private Set<Integer> addAddresses(int from, List<String> addresses) {
      if (addresses.isEmpty()) {
        return Set.of();
      }
      Integer[] seqs = new Integer[addresses.size()];
      for (int i = 0; i < seqs.length; i++) {
        seqs[i] = from + i;
      }
      return new HashSet<>(
          db.resultQuery(
                  ADD_REQUEST_ADDRESSES,
                  MessageTransitions.array(addresses, String[]::new),
                  DSL.val(seqs))
              .fetch(0, Integer.class));
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
        .and(MessageTransitions.inRange(range))
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
   * for good, so an addition is refused instead. Closed by this clock, or by the workflow's: its
   * close writes {@code closed_at}, and an api whose clock runs behind would otherwise store
   * additions the closed workflow never releases.
   */
  private static boolean isClosed(SendoutRecord sendout, OffsetDateTime now) {
    return sendout.getClosedAt() != null
        || (sendout.getClosesAt() != null && !now.isBefore(sendout.getClosesAt()));
  }

  /**
   * The sendout's status as additions see it: one with its completion or cancellation recorded is
   * that, whatever its status column says while a run reopened for late additions sends them (a
   * refusal read "is sending: recipients can no longer be added").
   */
  private static SendoutStatus statusOf(SendoutRecord sendout) {
    if (sendout.getCancelledAt() != null) {
      return SendoutStatus.CANCELLED;
    }
    return sendout.getCompletedAt() != null ? SendoutStatus.COMPLETED : sendout.getStatus();
  }

  /** FINISHED or CLOSED when the sendout takes no more recipients at {@code now}, else null. */
  private static Outcome refusal(SendoutRecord sendout, OffsetDateTime now) {
    return isFinished(sendout) ? Outcome.FINISHED : isClosed(sendout, now) ? Outcome.CLOSED : null;
  }

  private static boolean isFinished(SendoutRecord sendout) {
    SendoutStatus status = statusOf(sendout);
    return status == SendoutStatus.COMPLETED || status == SendoutStatus.CANCELLED;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }
}
