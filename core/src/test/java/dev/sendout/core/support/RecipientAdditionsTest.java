package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.CANCELLED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.QUEUED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.core.StoreTest;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.SendoutStore.ToSend;
import dev.sendout.core.support.RecipientAdditions.Addition;
import dev.sendout.core.support.RecipientAdditions.Outcome;
import dev.sendout.core.support.RecipientAdditions.RecipientSource;
import dev.sendout.core.support.RecipientAdditions.Request;
import dev.sendout.core.support.RecipientAdditions.ToSendout;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.SupportActionType;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.QueryPart;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.transaction.support.TransactionTemplate;

class RecipientAdditionsTest extends StoreTest {

  private static final String TENANT = "tenant-a";

  @Autowired SendoutStore sendouts;
  @Autowired MessageReads messages;
  @Autowired RecipientAdditions additions;
  @Autowired AuditTrail audit;
  @Autowired DSLContext db;
  @Autowired CombinedAdditions combined;
  @Autowired TransactionTemplate transactions;

  private static List<NewSendout.Recipient> recipients(String prefix, int count) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                new NewSendout.Recipient(
                    prefix + i + "@example.com", "Added " + i, Map.of("firstName", "A" + i)))
        .toList();
  }

  private UUID created(int recipients) {
    return sendouts.create(emailSendout(recipients)).sendout().id();
  }

  private List<StoredMessage> all(UUID id) {
    return messages.page(id, null, -1, 1000);
  }

  @Test
  void addedRecipientsAreQueuedAfterTheLastMessageAndCounted() {
    UUID id = created(2);

    var addition =
        additions.add(TENANT, id, "k1", RecipientSource.of(recipients("new", 3), "h1"), "ann");

    assertThat(addition.outcome()).isEqualTo(Outcome.ADDED);
    assertThat(addition.messages()).isEqualTo(new SeqRange(2, 5));
    assertThat(sendouts.find(id).orElseThrow().recipientCount()).isEqualTo(5);
    assertThat(all(id))
        .extracting(StoredMessage::seq, StoredMessage::address, StoredMessage::status)
        .containsExactly(
            tuple(0, "user0@example.com", QUEUED),
            tuple(1, "user1@example.com", QUEUED),
            tuple(2, "new0@example.com", QUEUED),
            tuple(3, "new1@example.com", QUEUED),
            tuple(4, "new2@example.com", QUEUED));
    assertThat(trail(audit, id))
        .extracting(AuditTrail.Entry::actionId, AuditTrail.Entry::action, AuditTrail.Entry::actor)
        .containsExactly(tuple("add-k1", SupportActionType.ADD_RECIPIENTS, "ann"));
  }

  @Test
  void theSameKeyReturnsTheFirstRangeAndStoresNothing() {
    UUID id = created(1);
    var first = additions.add(TENANT, id, "k", RecipientSource.of(recipients("a", 2), "h1"), "ann");

    var again = additions.add(TENANT, id, "k", RecipientSource.of(recipients("b", 4), "h2"), "bob");

    assertThat(again.outcome()).isEqualTo(Outcome.REPLAYED);
    assertThat(again.messages()).isEqualTo(first.messages());
    assertThat(again.requestHash()).as("the first call's, to compare").isEqualTo("h1");
    assertThat(all(id)).hasSize(3);
    assertThat(sendouts.find(id).orElseThrow().recipientCount()).isEqualTo(3);
    assertThat(trail(audit, id)).hasSize(1);
  }

  @Test
  void theLongestKeyTheApiTakesIsStoredAndRecorded() {
    UUID id = created(1);
    String key = "k".repeat(255);

    var addition =
        additions.add(TENANT, id, key, RecipientSource.of(recipients("a", 1), "h"), "ann");
    var again = additions.add(TENANT, id, key, RecipientSource.of(recipients("a", 1), "h"), "ann");

    assertThat(addition.outcome()).isEqualTo(Outcome.ADDED);
    assertThat(again.outcome()).isEqualTo(Outcome.REPLAYED);
    assertThat(trail(audit, id)).hasSize(1);
  }

  @Test
  void aCompletedOrCancelledSendoutTakesNoRecipients() {
    UUID completed = created(1);
    sendouts.markCompleted(completed);
    UUID cancelled = created(1);
    db.update(SENDOUT)
        .set(SENDOUT.CANCELLED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .where(SENDOUT.ID.eq(cancelled))
        .execute();

    var toCompleted =
        additions.add(TENANT, completed, "k", RecipientSource.of(recipients("a", 1), "h"), "ann");
    var toCancelled =
        additions.add(TENANT, cancelled, "k", RecipientSource.of(recipients("a", 1), "h"), "ann");

    assertThat(toCompleted.outcome()).isEqualTo(Outcome.FINISHED);
    assertThat(toCompleted.status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(toCancelled.outcome()).isEqualTo(Outcome.FINISHED);
    assertThat(toCancelled.status())
        .as("cancelled, whatever its status column says")
        .isEqualTo(SendoutStatus.CANCELLED);
    assertThat(all(completed)).hasSize(1);
    assertThat(all(cancelled)).hasSize(1);
  }

  /**
   * Recipients added as a run finished are still QUEUED when it completes: the completion answers
   * them, in runs of sequence numbers, instead of completing the sendout; once they are sent it
   * completes, and an addition after it is refused. A cancelled sendout completes regardless.
   */
  @Test
  void aCompletionAnswersRecipientsStillQueuedInsteadOfCompletingUntilTheyAreSent() {
    UUID id = created(2);
    setStatus(id, QUEUED, DELIVERED);
    additions.add(TENANT, id, "k1", RecipientSource.of(recipients("a", 2), "h"), "ann");
    additions.add(TENANT, id, "k2", RecipientSource.of(recipients("b", 2), "h"), "ann");
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, CANCELLED)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.eq(3))
        .execute();

    assertThat(sendouts.completeUnlessMoreToSend(id, 10))
        .isEqualTo(new ToSend(List.of(new SeqRange(2, 3), new SeqRange(4, 6)), List.of(), 0, null));
    assertThat(sendouts.completeUnlessMoreToSend(id, 1).queued())
        .containsExactly(new SeqRange(2, 3));
    assertThat(sendouts.find(id).orElseThrow().completedAt()).isNull();

    setStatus(id, QUEUED, DELIVERED);
    assertThat(sendouts.completeUnlessMoreToSend(id, 10)).isEqualTo(ToSend.NOTHING);
    assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.COMPLETED);
    var late = additions.add(TENANT, id, "k3", RecipientSource.of(recipients("c", 1), "h"), "ann");
    assertThat(late.outcome()).isEqualTo(Outcome.FINISHED);

    UUID cancelled = created(1);
    db.update(SENDOUT)
        .set(SENDOUT.CANCELLED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .set(SENDOUT.STATUS, SendoutStatus.CANCELLED)
        .where(SENDOUT.ID.eq(cancelled))
        .execute();
    assertThat(sendouts.completeUnlessMoreToSend(cancelled, 10)).isEqualTo(ToSend.NOTHING);
    assertThat(sendouts.find(cancelled).orElseThrow().completedAt()).isNotNull();
  }

  /**
   * Messages RELEASED that no provider call took are answered too, in runs; those a call is sending
   * are not. With none unsent, the messages in flight are counted, with when the last was sent, and
   * the sendout completes only once none is.
   */
  @Test
  void aCompletionAnswersMessagesReleasedThatNoCallTook() {
    UUID id = created(6);
    setStatus(id, QUEUED, RELEASED);
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, ACCEPTED)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.in(0, 3))
        .execute();
    db.update(MESSAGE)
        .set(MESSAGE.SEND_STARTED_AT, now)
        .set(MESSAGE.BATCH_NO, 4)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.eq(5))
        .execute();

    assertThat(sendouts.completeUnlessMoreToSend(id, 10))
        .isEqualTo(new ToSend(List.of(), List.of(new SeqRange(1, 3), new SeqRange(4, 5)), 0, null));
    assertThat(sendouts.find(id).orElseThrow().completedAt()).isNull();

    // Sent: what a provider has, or a call is sending, is in flight until its receipt comes.
    db.update(MESSAGE)
        .set(MESSAGE.SEND_STARTED_AT, now)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.in(1, 2, 4))
        .execute();
    assertThat(sendouts.completeUnlessMoreToSend(id, 10))
        .isEqualTo(new ToSend(List.of(), List.of(), 6, now.toInstant()));
    setStatus(id, RELEASED, ACCEPTED);
    setStatus(id, ACCEPTED, DELIVERED);
    assertThat(sendouts.completeUnlessMoreToSend(id, 10)).isEqualTo(ToSend.NOTHING);
    assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.COMPLETED);
  }

  private void setStatus(UUID sendoutId, MessageStatus from, MessageStatus to) {
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, to)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.STATUS.eq(from))
        .execute();
  }

  /**
   * Found by a fault drill: a completed sendout whose run, reopened for late additions, had set it
   * SENDING again refused more as "is sending: recipients can no longer be added".
   */
  @Test
  void aRefusalNamesTheSendoutCompletedWhileARunSendsItsLateAdditions() {
    UUID id = created(1);
    sendouts.markCompleted(id);
    db.update(SENDOUT)
        .set(SENDOUT.STATUS, SendoutStatus.SENDING)
        .where(SENDOUT.ID.eq(id))
        .execute();

    var refused =
        additions.add(TENANT, id, "k", RecipientSource.of(recipients("a", 1), "h"), "ann");

    assertThat(refused.outcome()).isEqualTo(Outcome.FINISHED);
    assertThat(refused.status()).isEqualTo(SendoutStatus.COMPLETED);
  }

  @Test
  void aRetryOfAnAdditionStoredBeforeTheSendoutFinishedIsAnsweredAsTheReplayItIs() {
    UUID id = created(1);
    var first = additions.add(TENANT, id, "k1", RecipientSource.of(recipients("a", 2), "h"), "ann");
    // The caller never saw the 202; the sendout sent the two and completed meanwhile.
    sendouts.markCompleted(id);

    var retry = additions.add(TENANT, id, "k1", RecipientSource.of(recipients("a", 2), "h"), "ann");
    var another =
        additions.add(TENANT, id, "k2", RecipientSource.of(recipients("b", 1), "h"), "ann");

    assertThat(retry.outcome()).isEqualTo(Outcome.REPLAYED);
    assertThat(retry.messages()).isEqualTo(first.messages());
    assertThat(another.outcome()).isEqualTo(Outcome.FINISHED);
    assertThat(all(id)).hasSize(3);
  }

  @Test
  void nothingIsAddedToASendoutItsWorkflowClosedThoughThisClockSaysItsCloseIsToCome() {
    UUID id = created(1);
    // The workflow's clock ran ahead of the api's: it closed the survey, and would never release.
    db.update(SENDOUT)
        .set(SENDOUT.CLOSES_AT, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(30))
        .set(SENDOUT.CLOSED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .where(SENDOUT.ID.eq(id))
        .execute();

    var added = additions.add(TENANT, id, "k", RecipientSource.of(recipients("a", 1), "h"), "ann");

    assertThat(added.outcome()).isEqualTo(Outcome.CLOSED);
    assertThat(all(id)).hasSize(1);
  }

  @Test
  void nothingIsAddedToASendoutPastItsClosingDate() {
    UUID closed = created(1);
    UUID open = created(1);
    db.update(SENDOUT)
        .set(SENDOUT.CLOSES_AT, OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1))
        .where(SENDOUT.ID.eq(closed))
        .execute();
    db.update(SENDOUT)
        .set(SENDOUT.CLOSES_AT, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1))
        .where(SENDOUT.ID.eq(open))
        .execute();

    var toClosed =
        additions.add(TENANT, closed, "k", RecipientSource.of(recipients("a", 1), "h"), "ann");
    var toOpen =
        additions.add(TENANT, open, "k", RecipientSource.of(recipients("a", 1), "h"), "ann");

    assertThat(toClosed.outcome()).isEqualTo(Outcome.CLOSED);
    assertThat(all(closed)).hasSize(1);
    assertThat(sendouts.find(closed).orElseThrow().recipientCount()).isEqualTo(1);
    assertThat(toOpen.outcome()).isEqualTo(Outcome.ADDED);
    assertThat(all(open)).hasSize(2);
  }

  @Test
  void anUnknownSendoutOrAnotherTenantsIsNotFound() {
    UUID id = created(1);

    assertThat(
            additions
                .add(
                    TENANT,
                    UUID.randomUUID(),
                    "k",
                    RecipientSource.of(recipients("a", 1), "h"),
                    "x")
                .outcome())
        .isEqualTo(Outcome.NO_SENDOUT);
    assertThat(
            additions
                .add("tenant-b", id, "k", RecipientSource.of(recipients("a", 1), "h"), "x")
                .outcome())
        .isEqualTo(Outcome.NO_SENDOUT);
    assertThat(all(id)).hasSize(1);
  }

  @Test
  void concurrentAdditionsNeverShareASequenceNumber() throws Exception {
    UUID id = created(1);
    var pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<RecipientAdditions.Addition>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String key = "k" + i;
        Callable<RecipientAdditions.Addition> call =
            () ->
                additions.add(
                    TENANT, id, key, RecipientSource.of(recipients(key + "-", 50), "h"), "ann");
        calls.add(pool.submit(call));
      }
      for (var call : calls) {
        assertThat(call.get().outcome()).isEqualTo(Outcome.ADDED);
      }
    } finally {
      pool.shutdown();
    }

    assertThat(all(id)).extracting(StoredMessage::seq).containsExactlyElementsOf(range(0, 401));
    assertThat(sendouts.find(id).orElseThrow().recipientCount()).isEqualTo(401);
  }

  @Test
  void additionsStoredTogetherGetRangesInOrderAndARepeatedKeyGetsTheFirstOnesRange() {
    UUID id = created(1);

    var results =
        additions.addAll(
            TENANT,
            id,
            List.of(
                new Request("a", RecipientSource.of(recipients("a", 2), "ha"), "ann"),
                new Request("b", RecipientSource.of(recipients("b", 1), "hb"), "bob"),
                new Request("a", RecipientSource.of(recipients("x", 5), "hx"), "eve")));

    assertThat(results)
        .extracting(Addition::outcome, Addition::messages, Addition::requestHash)
        .containsExactly(
            tuple(Outcome.ADDED, new SeqRange(1, 3), null),
            tuple(Outcome.ADDED, new SeqRange(3, 4), null),
            tuple(Outcome.REPLAYED, new SeqRange(1, 3), "ha"));
    assertThat(all(id))
        .extracting(StoredMessage::seq, StoredMessage::address)
        .containsExactly(
            tuple(0, "user0@example.com"),
            tuple(1, "a0@example.com"),
            tuple(2, "a1@example.com"),
            tuple(3, "b0@example.com"));
    assertThat(sendouts.find(id).orElseThrow().recipientCount()).isEqualTo(4);
    assertThat(trail(audit, id))
        .extracting(AuditTrail.Entry::actionId, AuditTrail.Entry::actor)
        .containsExactlyInAnyOrder(tuple("add-a", "ann"), tuple("add-b", "bob"));
  }

  @Test
  void manyCallersAddingOneRecipientToOneSendoutEachGetTheirOwnMessage() throws Exception {
    UUID id = created(1);
    var pool = Executors.newFixedThreadPool(8);
    List<Future<Addition>> calls = new ArrayList<>();
    List<Integer> firstSeqs = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        String key = "k" + i;
        calls.add(
            pool.submit(
                () -> combined.add(TENANT, id, key, recipients(key + "-", 1), "h" + key, "ann")));
      }
      for (var call : calls) {
        assertThat(call.get().outcome()).isEqualTo(Outcome.ADDED);
        firstSeqs.add(call.get().messages().fromSeq());
      }
    } finally {
      pool.shutdown();
    }

    assertThat(firstSeqs).containsExactlyInAnyOrderElementsOf(range(1, 201));
    assertThat(all(id)).extracting(StoredMessage::seq).containsExactlyElementsOf(range(0, 201));
    assertThat(sendouts.find(id).orElseThrow().recipientCount()).isEqualTo(201);
    assertThat(trail(audit, id)).hasSize(200);
  }

  @Test
  void anAdditionTheStoreRefusesFailsAloneNotTheOthersStoredWithIt() throws Exception {
    UUID id = created(1);
    var pool = Executors.newFixedThreadPool(6);
    List<Future<Addition>> calls = new ArrayList<>();
    // Hold the sendout's row so that the additions queue up and are stored together after it.
    var release = new CountDownLatch(1);
    var holder = holdRow(pool, id, release);
    try {
      for (int i = 0; i < 4; i++) {
        String key = "k" + i;
        var recipients =
            i == 2
                ? List.of(new NewSendout.Recipient("nul\u0000@example.com", null, Map.of()))
                : recipients(key + "-", 1);
        calls.add(pool.submit(() -> combined.add(TENANT, id, key, recipients, "h", "ann")));
      }
      Thread.sleep(300);
      release.countDown();
      holder.get();

      for (int i = 0; i < calls.size(); i++) {
        if (i == 2) {
          Future<Addition> refused = calls.get(i);
          assertThatThrownBy(refused::get).hasCauseInstanceOf(DataAccessException.class);
        } else {
          assertThat(calls.get(i).get().outcome()).isEqualTo(Outcome.ADDED);
        }
      }
    } finally {
      pool.shutdown();
    }
    assertThat(all(id)).hasSize(4);
    assertThat(sendouts.find(id).orElseThrow().recipientCount()).isEqualTo(4);
  }

  /** Adds a@example.com, with externalId ext-a, to the sendout. */
  private void addedWithExternalIdA(UUID id, String key) {
    additions.add(
        TENANT,
        id,
        key,
        RecipientSource.of(List.of(withExternalId("a@example.com", "ext-a")), "h"),
        "ann");
  }

  private static NewSendout.Recipient withExternalId(String address, String externalId) {
    return new NewSendout.Recipient(address, null, Map.of(), externalId, null);
  }

  @Test
  void anAddedExternalIdTheSendoutHasIsRefusedAndNothingOfTheAdditionIsStored() {
    UUID id = created(0);
    addedWithExternalIdA(id, "first");

    assertThatThrownBy(
            () ->
                additions.add(
                    TENANT,
                    id,
                    "second",
                    RecipientSource.of(
                        List.of(
                            withExternalId("b@example.com", "ext-b"),
                            withExternalId("c@example.com", "ext-a")),
                        "h"),
                    "ann"))
        .isInstanceOfSatisfying(
            DuplicateExternalIdException.class,
            e -> {
              assertThat(e.index()).isEqualTo(1);
              assertThat(e.externalId()).isEqualTo("ext-a");
            });
    assertThat(all(id)).extracting(StoredMessage::externalId).containsExactly("ext-a");
    assertThat(sendouts.find(id).orElseThrow().recipientCount()).isEqualTo(1);
    assertThat(additions.isKnown(id, "second")).isFalse();
  }

  @Test
  void anExternalIdRepeatedAcrossTheChunksOfALargeAdditionIsTheCallersRepeatNotATakenId() {
    UUID id = created(0);
    List<NewSendout.Recipient> many = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      many.add(withExternalId("bulk" + i + "@example.com", i == 2100 ? "x-5" : "x-" + i));
    }

    assertThatThrownBy(() -> additions.add(TENANT, id, "big", RecipientSource.of(many, "h"), "ann"))
        .isInstanceOfSatisfying(
            RepeatedRecipientException.class,
            e -> {
              assertThat(e.repeats()).isEqualTo(RepeatedRecipientException.Repeats.EXTERNAL_ID);
              assertThat(e.index()).isEqualTo(2100);
              assertThat(e.earlierIndex()).isEqualTo(5);
            });
    assertThat(all(id)).isEmpty();
  }

  @Test
  void anAddressRepeatedAcrossTheChunksOfOneAdditionIsFoundInTheLaterChunkButNotOneFromBefore() {
    UUID id = created(0);
    additions.add(
        TENANT,
        id,
        "before",
        RecipientSource.of(List.of(withExternalId("bulk1500@example.com", null)), "h"),
        "ann");
    // Read a chunk at a time, as an upload is: each chunk checked on its own before it came.
    List<NewSendout.Recipient> many = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      many.add(withExternalId((i == 2100 ? "BULK5" : "bulk" + i) + "@example.com", null));
    }
    RecipientSource inChunks = inChunks(many, 1000, "h");

    assertThatThrownBy(() -> additions.add(TENANT, id, "big", inChunks, "ann"))
        .isInstanceOfSatisfying(
            RepeatedRecipientException.class,
            e -> {
              assertThat(e.repeats()).isEqualTo(RepeatedRecipientException.Repeats.ADDRESS);
              assertThat(e.index()).isEqualTo(2100);
              assertThat(e.earlierIndex()).isEqualTo(5);
            });
    assertThat(all(id)).extracting(StoredMessage::address).containsExactly("bulk1500@example.com");
  }

  @Test
  void theChecksOfAnUploadsChunksLookEachValueUpInItsIndexNeverReadingTheSendoutsRows() {
    // A sendout with thousands of rows in an open transaction, on a table whose statistics know
    // none of them: as on a fresh database, where an upload's checks once read them all per value.
    UUID id = created(0);
    transactions.executeWithoutResult(
        tx -> {
          additions.add(
              TENANT, id, "many", RecipientSource.of(recipients("plan", 5000), "h"), "ann");
          String[] values = IntStream.range(0, 1000).mapToObj(i -> "v" + i).toArray(String[]::new);
          Integer[] seqs = IntStream.range(0, 1000).boxed().toArray(Integer[]::new);
          db.execute(RecipientAdditions.REQUEST_ADDRESSES);

          // A request's addresses are checked in a table of its own, by its primary key: the
          // message table is not read, whatever the planner makes of it.
          assertThat(plan(RecipientAdditions.ADD_REQUEST_ADDRESSES, DSL.val(values), DSL.val(seqs)))
              .contains("\"Conflict Arbiter Indexes\": [\"request_address_pkey\"]")
              .doesNotContain("\"message\"");
          assertThat(plan(RecipientAdditions.TAKEN_EXTERNAL_IDS, DSL.val(values), DSL.val(id)))
              .contains("\"Index Name\": \"message_external_id_unique\"")
              .doesNotContain("message_seq_unique", "Seq Scan");
          tx.setRollbackOnly();
        });
  }

  private String plan(String query, QueryPart... values) {
    return db.resultQuery("explain (format json) " + query, (Object[]) values)
        .fetchSingle(0, String.class);
  }

  /** A source that hands its recipients over {@code size} at a time, as an upload is read. */
  private static RecipientSource inChunks(
      List<NewSendout.Recipient> recipients, int size, String requestHash) {
    return new RecipientSource() {
      private int read;

      @Override
      public List<NewSendout.Recipient> next() {
        var chunk = recipients.subList(read, Math.min(read + size, recipients.size()));
        read += chunk.size();
        return chunk;
      }

      @Override
      public String requestHash() {
        return requestHash;
      }
    };
  }

  /**
   * Stored together, a request may begin in the middle of a chunk and go on into the next, after
   * another that spanned chunks: each is checked against its own addresses only (the second gives
   * the first's again, which the sendout then has from before it, and one of its own twice).
   */
  @Test
  void requestsStoredTogetherAreEachCheckedAgainstTheirOwnEarlierChunks() {
    UUID id = created(0);
    List<NewSendout.Recipient> again = new ArrayList<>(recipients("first", 1500));
    again.set(1400, withExternalId("FIRST100@example.com", null));
    List<RecipientAdditions.Request> requests =
        List.of(
            new RecipientAdditions.Request(
                "first", inChunks(recipients("first", 1500), 400, "h1"), "ann"),
            new RecipientAdditions.Request("second", inChunks(again, 400, "h2"), "ann"));

    assertThatThrownBy(() -> additions.addAll(TENANT, id, requests))
        .isInstanceOfSatisfying(
            RepeatedRecipientException.class,
            e -> {
              assertThat(e.index()).isEqualTo(1400);
              assertThat(e.earlierIndex()).isEqualTo(100);
            });
    assertThat(all(id)).isEmpty();
  }

  @Test
  void anAdditionRepeatingAnExternalIdFailsAloneNotTheOthersStoredWithIt() throws Exception {
    UUID id = created(0);
    var pool = Executors.newFixedThreadPool(6);
    List<Future<Addition>> calls = new ArrayList<>();
    var release = new CountDownLatch(1);
    var holder = holdRow(pool, id, release);
    try {
      for (int i = 0; i < 4; i++) {
        String key = "k" + i;
        // The third repeats the first's id: whichever of the two is stored first keeps it.
        var recipients =
            List.of(withExternalId(key + "@example.com", i == 2 ? "ext-0" : "ext-" + i));
        calls.add(pool.submit(() -> combined.add(TENANT, id, key, recipients, "h", "ann")));
      }
      Thread.sleep(300);
      release.countDown();
      holder.get();

      int refused = 0;
      for (Future<Addition> call : calls) {
        try {
          assertThat(call.get().outcome()).isEqualTo(Outcome.ADDED);
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(DuplicateExternalIdException.class);
          refused++;
        }
      }
      assertThat(refused).isEqualTo(1);
    } finally {
      pool.shutdown();
    }
    assertThat(all(id))
        .extracting(StoredMessage::externalId)
        .containsExactlyInAnyOrder("ext-0", "ext-1", "ext-3");
    assertThat(sendouts.find(id).orElseThrow().recipientCount()).isEqualTo(3);
  }

  @Test
  void aGroupRefusedAPlaceAmongTheWritesFailsWholeAndStoresNothing() {
    UUID id = created(1);
    var refusal = new IllegalStateException("no place");
    var refusing =
        combinedWith(
            new WriteAdmission() {
              @Override
              public <T> T write(Supplier<T> work) {
                throw new WriteAdmission.WriteRefused(refusal);
              }
            });

    assertThatThrownBy(() -> refusing.add(TENANT, id, "k", recipients("r", 1), "h", "ann"))
        .isSameAs(refusal);
    assertThat(all(id)).hasSize(1);
    assertThat(combined.add(TENANT, id, "k", recipients("r", 1), "h", "ann").outcome())
        .as("the same key, admitted, is a first addition")
        .isEqualTo(Outcome.ADDED);
  }

  @Test
  void additionsToSeveralSendoutsStoredTogetherEachGetTheirSendoutsNextRanges() {
    UUID a = created(1);
    UUID b = created(3);
    UUID finished = created(1);
    sendouts.markCompleted(finished);
    UUID another = sendouts.create(emailSendout("tenant-b", 1, null)).sendout().id();
    additions.add(TENANT, b, "known", RecipientSource.of(recipients("k", 1), "hk"), "ann");

    var results =
        additions.addAll(
            TENANT,
            List.of(
                new ToSendout(
                    b,
                    List.of(
                        new Request("x", RecipientSource.of(recipients("bx", 2), "hx"), "bob"),
                        new Request("known", RecipientSource.of(recipients("bk", 5), "h"), "x"))),
                new ToSendout(finished, List.of(request("f"))),
                new ToSendout(another, List.of(request("o"))),
                new ToSendout(a, List.of(request("a"), request("x")))));

    assertThat(results.get(0))
        .extracting(Addition::outcome, Addition::messages)
        .containsExactly(
            tuple(Outcome.ADDED, new SeqRange(4, 6)), tuple(Outcome.REPLAYED, new SeqRange(3, 4)));
    assertThat(results.get(1)).extracting(Addition::outcome).containsExactly(Outcome.FINISHED);
    assertThat(results.get(2)).as("not this tenant's: left to a call of its own").isNull();
    assertThat(results.get(3))
        .extracting(Addition::outcome, Addition::messages)
        .as("the same key as another sendout's is a key of its own")
        .containsExactly(
            tuple(Outcome.ADDED, new SeqRange(1, 2)), tuple(Outcome.ADDED, new SeqRange(2, 3)));
    assertThat(all(a)).extracting(StoredMessage::seq).containsExactly(0, 1, 2);
    assertThat(all(b))
        .extracting(StoredMessage::seq, StoredMessage::address)
        .endsWith(tuple(4, "bx0@example.com"), tuple(5, "bx1@example.com"));
    assertThat(sendouts.find(a).orElseThrow().recipientCount()).isEqualTo(3);
    assertThat(sendouts.find(b).orElseThrow().recipientCount()).isEqualTo(6);
    assertThat(all(finished)).hasSize(1);
    assertThat(all(another)).hasSize(1);
    assertThat(trail(audit, a))
        .extracting(AuditTrail.Entry::actionId)
        .containsExactlyInAnyOrder("add-a", "add-x");
    assertThat(trail(audit, b))
        .extracting(AuditTrail.Entry::actionId, AuditTrail.Entry::actor)
        .containsExactlyInAnyOrder(tuple("add-known", "ann"), tuple("add-x", "bob"));
  }

  private static Request request(String key) {
    return new Request(key, RecipientSource.of(recipients(key, 1), "h" + key), "ann");
  }

  @Test
  void callersAddingToManySendoutsAtOnceShareOneTransaction() throws Exception {
    List<UUID> ids = IntStream.range(0, 8).mapToObj(i -> created(1)).toList();
    var firstInside = new CountDownLatch(1);
    var letFirstGo = new CountDownLatch(1);
    var writes = new AtomicInteger();
    var holdingTheFirst = holdingItsFirstWrite(writes, firstInside, letFirstGo);
    var pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Addition>> calls = new ArrayList<>();
      calls.add(
          pool.submit(
              () -> holdingTheFirst.add(TENANT, ids.get(0), "k", recipients("r", 1), "h", "ann")));
      firstInside.await();
      for (UUID id : ids.subList(1, 8)) {
        calls.add(
            pool.submit(
                () -> holdingTheFirst.add(TENANT, id, "k", recipients("r", 1), "h", "ann")));
      }
      Thread.sleep(1000);
      letFirstGo.countDown();
      for (var call : calls) {
        assertThat(call.get().outcome()).isEqualTo(Outcome.ADDED);
        assertThat(call.get().messages()).isEqualTo(new SeqRange(1, 2));
      }
    } finally {
      pool.shutdown();
    }
    assertThat(writes.get())
        .as("the first alone, then the seven that queued behind it (8 if each took its own)")
        .isBetween(2, 3);
    for (UUID id : ids) {
      assertThat(all(id)).extracting(StoredMessage::seq).containsExactly(0, 1);
    }
  }

  @Test
  void aTenantsGroupThatFailsOnOneSendoutsAdditionStoresTheOthersAllTheSame() throws Exception {
    UUID first = created(1);
    UUID taken = created(0);
    UUID other = created(1);
    addedWithExternalIdA(taken, "before");
    var firstInside = new CountDownLatch(1);
    var letFirstGo = new CountDownLatch(1);
    var holdingTheFirst = holdingItsFirstWrite(new AtomicInteger(), firstInside, letFirstGo);
    var pool = Executors.newFixedThreadPool(3);
    try {
      var toFirst =
          pool.submit(() -> holdingTheFirst.add(TENANT, first, "k", recipients("f", 1), "h", "x"));
      firstInside.await();
      var repeating =
          pool.submit(
              () ->
                  holdingTheFirst.add(
                      TENANT,
                      taken,
                      "k",
                      List.of(withExternalId("b@example.com", "ext-a")),
                      "h",
                      "ann"));
      var toOther =
          pool.submit(() -> holdingTheFirst.add(TENANT, other, "k", recipients("o", 1), "h", "x"));
      Thread.sleep(500);
      letFirstGo.countDown();

      assertThat(toFirst.get().outcome()).isEqualTo(Outcome.ADDED);
      assertThat(toOther.get().messages()).isEqualTo(new SeqRange(1, 2));
      assertThatThrownBy(repeating::get).hasCauseInstanceOf(DuplicateExternalIdException.class);
    } finally {
      pool.shutdown();
    }
    assertThat(all(taken)).extracting(StoredMessage::externalId).containsExactly("ext-a");
    assertThat(all(other)).hasSize(2);
  }

  @Test
  void aSendoutWhoseRowAnotherTransactionHoldsHoldsUpOnlyItsOwnAdditions() throws Exception {
    UUID held = created(1);
    UUID free = created(1);
    var pool = Executors.newFixedThreadPool(4);
    var release = new CountDownLatch(1);
    try {
      var holder = holdRow(pool, held, release);
      Future<Addition> toHeld =
          pool.submit(() -> combined.add(TENANT, held, "k", recipients("h", 1), "h", "ann"));
      Thread.sleep(200);
      Future<Addition> toFree =
          pool.submit(() -> combined.add(TENANT, free, "k", recipients("f", 1), "h", "ann"));

      assertThat(toFree.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ADDED);
      assertThat(toHeld).isNotDone();
      release.countDown();
      holder.get();
      assertThat(toHeld.get(5, TimeUnit.SECONDS).messages()).isEqualTo(new SeqRange(1, 2));
    } finally {
      release.countDown();
      pool.shutdown();
    }
    assertThat(all(held)).hasSize(2);
  }

  private CombinedAdditions combinedWith(WriteAdmission admission) {
    return new CombinedAdditions(
        additions,
        new StaticListableBeanFactory(Map.of("admission", admission))
            .getBeanProvider(WriteAdmission.class),
        new StaticListableBeanFactory().getBeanProvider(MeterRegistry.class));
  }

  /** Counts its writes; the first waits, once {@code inside} is counted down, for {@code letGo}. */
  private CombinedAdditions holdingItsFirstWrite(
      AtomicInteger writes, CountDownLatch inside, CountDownLatch letGo) {
    return combinedWith(
        new WriteAdmission() {
          @Override
          public <T> T write(Supplier<T> work) {
            if (writes.incrementAndGet() == 1) {
              inside.countDown();
              await(letGo);
            }
            return work.get();
          }
        });
  }

  /** Holds the sendout's row in a transaction of its own until {@code release}. */
  private Future<?> holdRow(ExecutorService pool, UUID id, CountDownLatch release)
      throws InterruptedException {
    var holding = new CountDownLatch(1);
    Future<?> holder =
        pool.submit(
            () ->
                transactions.executeWithoutResult(
                    tx -> {
                      db.selectFrom(SENDOUT).where(SENDOUT.ID.eq(id)).forUpdate().fetch();
                      holding.countDown();
                      await(release);
                    }));
    holding.await();
    return holder;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aLargeAdditionIsStoredInChunksInOrder() {
    UUID id = created(0);

    additions.add(TENANT, id, "big", RecipientSource.of(recipients("bulk", 2500), "h"), "ann");

    assertThat(messages.page(id, null, 2497, 10))
        .extracting(StoredMessage::seq, StoredMessage::address)
        .containsExactly(tuple(2498, "bulk2498@example.com"), tuple(2499, "bulk2499@example.com"));
  }

  @Test
  void cancellingUnsentAdditionsLeavesMessagesTheWorkflowTookAlone() {
    UUID id = created(1);
    var addition =
        additions.add(TENANT, id, "k", RecipientSource.of(recipients("a", 3), "h"), "ann");
    sendouts.release(id);
    additions.add(TENANT, id, "later", RecipientSource.of(recipients("b", 2), "h"), "ann");

    int cancelled = additions.cancelUnsent(id, new SeqRange(1, 6));

    assertThat(addition.messages()).isEqualTo(new SeqRange(1, 4));
    assertThat(cancelled).isEqualTo(2);
    assertThat(all(id))
        .extracting(StoredMessage::seq, StoredMessage::status, StoredMessage::lastError)
        .containsExactly(
            tuple(0, RELEASED, null),
            tuple(1, RELEASED, null),
            tuple(2, RELEASED, null),
            tuple(3, RELEASED, null),
            tuple(4, CANCELLED, RecipientAdditions.TOO_LATE),
            tuple(5, CANCELLED, RecipientAdditions.TOO_LATE));
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }
}
