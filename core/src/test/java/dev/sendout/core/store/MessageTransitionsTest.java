package dev.sendout.core.store;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.QUEUED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.core.StoreTest;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SendTally;
import dev.sendout.workflows.sendout.SendoutStatus;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class MessageTransitionsTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired DeliveryStore deliveries;
  @Autowired MessageReads messages;
  @Autowired DSLContext db;

  private List<StoredMessage> all(UUID id) {
    return messages.page(id, null, -1, 1000);
  }

  @Test
  void aSetOfIdsIsAConstantReadOnceWhenTheMessagesAreScannedInFull() {
    List<UUID> ids =
        all(sendouts.create(emailSendout(3)).sendout().id()).stream()
            .map(StoredMessage::id)
            .toList();
    List<UUID> wanted = ids.subList(0, 2);

    String plan =
        db.transactionResult(
            c -> {
              // The plan a message table without statistics yet gets (a fresh database).
              c.dsl().execute("set local enable_indexscan = off");
              c.dsl().execute("set local enable_bitmapscan = off");
              var query =
                  c.dsl().select(MESSAGE.ID).from(MESSAGE).where(MessageTransitions.byIds(wanted));
              assertThat(query.fetch(MESSAGE.ID)).containsExactlyInAnyOrderElementsOf(wanted);
              return c.dsl().explain(query).plan();
            });

    // A constant array, read once; not "ANY (('{...}'::cstring)::uuid[])", a cast a scan's filter
    // evaluates again for every row.
    assertThat(plan).containsPattern("= ANY \\('\\{[^']*\\}'::uuid\\[\\]\\)");
  }

  @Test
  void sendoutIsStoredWithOneQueuedMessagePerRecipientInOrder() {
    var created = sendouts.create(emailSendout(3));

    assertThat(created.existed()).isFalse();
    assertThat(created.sendout().status()).isEqualTo(SendoutStatus.SCHEDULED);
    assertThat(created.sendout().workflowStartedAt()).isNull();
    assertThat(all(created.sendout().id()))
        .extracting(StoredMessage::seq, StoredMessage::address, StoredMessage::status)
        .containsExactly(
            tuple(0, "user0@example.com", QUEUED),
            tuple(1, "user1@example.com", QUEUED),
            tuple(2, "user2@example.com", QUEUED));
    assertThat(
            sendouts.content(
                created.sendout().id(), dev.sendout.core.channel.email.EmailContent.class))
        .isEqualTo(CONTENT);
  }

  @Test
  void sameIdempotencyKeyReturnsTheFirstSendoutAndStoresNothingNew() {
    String key = "key-" + UUID.randomUUID();
    var first = sendouts.create(emailSendout(2, key));
    var again = sendouts.create(emailSendout(5, key));

    assertThat(again.existed()).isTrue();
    assertThat(again.sendout().id()).isEqualTo(first.sendout().id());
    assertThat(all(first.sendout().id())).hasSize(2);
    assertThat(sendouts.find(again.sendout().id())).isPresent();
  }

  @Test
  void valuesWithQuotesCommasNewlinesAndUnicodeSurviveTheCopy() {
    var sendout = emailSendout(0);
    var tricky =
        new NewSendout.Recipient(
            "o'hara@example.com", "O\"Hara, \"Jr.\"\nline two", Map.of("firstName", "Zoë \"\\ ,"));
    var created =
        sendouts.create(
            new NewSendout(
                sendout.id(),
                "tenant-a",
                sendout.channel(),
                CONTENT,
                sendout.sendAt(),
                sendout.receiptTimeout(),
                null,
                "h",
                List.of(tricky, new NewSendout.Recipient("b@example.com", "", Map.of()))));

    sendouts.release(created.sendout().id());
    var claimed = deliveries.claimForSend(created.sendout().id(), 0, 0, 2);

    assertThat(claimed.get(0).displayName()).isEqualTo("O\"Hara, \"Jr.\"\nline two");
    assertThat(claimed.get(0).variables()).containsEntry("firstName", "Zoë \"\\ ,");
    assertThat(claimed.get(1).displayName()).as("empty string, not NULL").isEmpty();
  }

  @Test
  void releaseMovesEveryQueuedMessageOnceAndKeepsTheFirstReleaseTime() {
    UUID id = sendouts.create(emailSendout(4)).sendout().id();

    assertThat(sendouts.release(id)).isEqualTo(4);
    var firstRelease = sendouts.find(id).orElseThrow().releasedAt();
    assertThat(sendouts.release(id)).isEqualTo(4);

    assertThat(sendouts.find(id).orElseThrow().releasedAt()).isEqualTo(firstRelease);
    assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.SENDING);
    assertThat(all(id))
        .allSatisfy(
            m -> {
              assertThat(m.status()).isEqualTo(RELEASED);
              assertThat(m.releasedAt()).isEqualTo(firstRelease);
            });
  }

  @Test
  void illegalTransitionIsRefusedAndChangesNothing() {
    UUID id = sendouts.create(emailSendout(2)).sendout().id();
    List<UUID> ids = all(id).stream().map(StoredMessage::id).toList();

    int moved = deliveries.markAccepted(ids, "provider-1");

    assertThat(moved).isZero();
    assertThat(all(id))
        .allSatisfy(
            m -> {
              assertThat(m.status()).isEqualTo(QUEUED);
              assertThat(m.providerMessageId()).isNull();
            });
  }

  @Test
  void claimedThenAcceptedMessagesCarryTheProviderIdAndEachTransitionTime() {
    UUID id = sendouts.create(emailSendout(3)).sendout().id();
    sendouts.release(id);

    var claimed = deliveries.claimForSend(id, 0, 0, 2);
    deliveries.markAccepted(claimed.stream().map(OutgoingMessage::id).toList(), "sg-123");

    var stored = all(id);
    assertThat(stored.get(0).status()).isEqualTo(ACCEPTED);
    assertThat(stored.get(0).providerMessageId()).isEqualTo("sg-123");
    assertThat(stored.get(0).attemptCount()).isEqualTo(1);
    assertThat(stored.get(0).acceptedAt()).isAfterOrEqualTo(stored.get(0).releasedAt());
    assertThat(stored.get(2).status()).as("outside the claimed range").isEqualTo(RELEASED);
    assertThat(deliveries.tally(new SendBatch(id.toString(), 0, 0, 3)))
        .isEqualTo(new SendTally(2, 0, 0));
  }

  @Test
  void messagesLeftInFlightByADeadAttemptBecomeUnconfirmedInsteadOfBeingClaimedAgain() {
    UUID id = sendouts.create(emailSendout(2)).sendout().id();
    sendouts.release(id);
    deliveries.claimForSend(id, 0, 0, 2);

    var secondAttempt = deliveries.claimForSend(id, 0, 0, 2);

    assertThat(secondAttempt).isEmpty();
    assertThat(all(id))
        .allSatisfy(
            m -> {
              assertThat(m.status()).isEqualTo(UNCONFIRMED);
              assertThat(m.lastError()).contains("outcome unknown");
            });
    assertThat(deliveries.tally(new SendBatch(id.toString(), 0, 0, 2)))
        .isEqualTo(new SendTally(0, 0, 2));
  }

  /**
   * Another batch's claim over the same range (a batch of the run the watchdog started beside one
   * that the stopped run started) leaves the messages that batch is sending alone: only a batch's
   * own earlier attempt leaves its messages in doubt.
   */
  @Test
  void anotherBatchsMessagesInFlightAreNotInDoubtForThisBatch() {
    UUID id = sendouts.create(emailSendout(3)).sendout().id();
    sendouts.release(id);
    var sending = deliveries.claimForSend(id, 2, 0, 1);

    var claimed = deliveries.claimForSend(id, 5, 0, 3);

    assertThat(claimed).hasSize(2).noneMatch(m -> m.id().equals(sending.get(0).id()));
    assertThat(all(id)).extracting(StoredMessage::status).containsOnly(RELEASED);
    assertThat(deliveries.claimForSend(id, 2, 0, 1)).isEmpty();
    assertThat(all(id).get(0).status()).as("its own batch's retry").isEqualTo(UNCONFIRMED);
    assertThat(all(id).subList(1, 3)).extracting(StoredMessage::status).containsOnly(RELEASED);
  }

  @Test
  void unclaimedMessagesAreClaimedAgainByTheNextAttempt() {
    UUID id = sendouts.create(emailSendout(2)).sendout().id();
    sendouts.release(id);
    var first = deliveries.claimForSend(id, 0, 0, 2);

    deliveries.unclaim(first.stream().map(OutgoingMessage::id).toList(), "SendGrid 503");
    var second = deliveries.claimForSend(id, 0, 0, 2);

    assertThat(second)
        .extracting(OutgoingMessage::id)
        .containsExactlyElementsOf(first.stream().map(OutgoingMessage::id).toList());
    assertThat(all(id)).allSatisfy(m -> assertThat(m.attemptCount()).isEqualTo(2));
    assertThat(all(id)).allSatisfy(m -> assertThat(m.lastError()).isEqualTo("SendGrid 503"));

    deliveries.markAccepted(second.stream().map(OutgoingMessage::id).toList(), "x-accepted");

    assertThat(all(id))
        .as("an attempt's error is not the message's once a provider took it")
        .allSatisfy(m -> assertThat(m.lastError()).isNull());
  }

  /** Claimed with a batch, but never tried: a request before theirs failed. */
  @Test
  void messagesGivenBackUntriedAreClaimedAgainWithoutAnAttemptCounted() {
    UUID id = sendouts.create(emailSendout(2)).sendout().id();
    sendouts.release(id);
    var first = deliveries.claimForSend(id, 0, 0, 2);

    deliveries.giveBack(first.stream().map(OutgoingMessage::id).toList(), "Not sent");
    deliveries.claimForSend(id, 0, 0, 2);

    assertThat(all(id)).allSatisfy(m -> assertThat(m.attemptCount()).isEqualTo(1));
    assertThat(all(id)).allSatisfy(m -> assertThat(m.lastError()).isEqualTo("Not sent"));
  }

  @Test
  void pagesFollowTheSequenceAndFilterByStatus() {
    UUID id = sendouts.create(emailSendout(5)).sendout().id();
    sendouts.release(id);
    deliveries.markFailed(List.of(all(id).get(3).id()), "bad");

    var firstPage = messages.page(id, null, -1, 2);
    var secondPage = messages.page(id, null, firstPage.get(1).seq(), 2);

    assertThat(firstPage).extracting(StoredMessage::seq).containsExactly(0, 1);
    assertThat(secondPage).extracting(StoredMessage::seq).containsExactly(2, 3);
    assertThat(messages.page(id, MessageStatus.FAILED, -1, 10))
        .extracting(StoredMessage::seq)
        .containsExactly(3);
    assertThat(sendouts.countByStatus(id))
        .containsEntry(RELEASED, 4)
        .containsEntry(MessageStatus.FAILED, 1)
        .containsEntry(QUEUED, 0);
  }
}
