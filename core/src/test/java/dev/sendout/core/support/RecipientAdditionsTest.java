package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.workflows.message.MessageStatus.CANCELLED;
import static dev.sendout.workflows.message.MessageStatus.QUEUED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.core.StoreTest;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.support.RecipientAdditions.Outcome;
import dev.sendout.core.support.RecipientAdditions.RecipientSource;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RecipientAdditionsTest extends StoreTest {

  private static final String TENANT = "tenant-a";

  @Autowired SendoutStore sendouts;
  @Autowired MessageReads messages;
  @Autowired RecipientAdditions additions;
  @Autowired AuditTrail audit;
  @Autowired DSLContext db;

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
    assertThat(audit.list(id))
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
    assertThat(audit.list(id)).hasSize(1);
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
    assertThat(all(completed)).hasSize(1);
    assertThat(all(cancelled)).hasSize(1);
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
