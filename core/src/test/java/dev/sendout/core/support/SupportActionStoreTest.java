package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.CANCELLED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.core.StoreTest;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.receipt.MessageSettlement;
import dev.sendout.core.reminder.ReminderWaves;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.SeqRanges;
import dev.sendout.core.suppression.SuppressionKey;
import dev.sendout.core.suppression.SuppressionReason;
import dev.sendout.core.suppression.SuppressionStore;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.sendout.SendoutActivities.ActionApplied;
import dev.sendout.workflows.sendout.SendoutActivities.ApplyAction;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.SupportAction;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SupportActionStoreTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired DeliveryStore deliveries;
  @Autowired MessageReads messages;
  @Autowired SupportActionStore actions;
  @Autowired AuditTrail audit;
  @Autowired ReminderWaves waves;
  @Autowired SupportMessages supportMessages;
  @Autowired SuppressionStore suppressions;
  @Autowired MessageSettlement settlement;
  @Autowired DSLContext db;

  private static final SupportAction ANN = new SupportAction("ann", "customer asked");

  private ActionApplied apply(UUID id, String actionId, SupportActionType type) {
    return actions.apply(new ApplyAction(id.toString(), actionId, type, ANN, 10));
  }

  @Test
  void cancellingCancelsOnlyWhatNoProviderCallHasClaimedAndIsRecordedOnce() {
    UUID id = sendouts.create(emailSendout(5)).sendout().id();
    sendouts.release(id);
    deliveries.claimForSend(id, 0, 0, 2);

    ActionApplied first = apply(id, "cancel-1", SupportActionType.CANCEL);
    ActionApplied retried = apply(id, "cancel-1", SupportActionType.CANCEL);

    assertThat(first.messages()).isEqualTo(3);
    assertThat(retried.messages()).isZero();
    assertThat(messages.page(id, null, -1, 10))
        .extracting(StoredMessage::status)
        .containsExactly(RELEASED, RELEASED, CANCELLED, CANCELLED, CANCELLED);
    assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.CANCELLED);
    sendouts.markCompleted(id);
    assertThat(sendouts.find(id).orElseThrow().status())
        .as("a cancelled sendout stays cancelled once settled")
        .isEqualTo(SendoutStatus.CANCELLED);
    assertThat(trail(audit, id))
        .extracting(AuditTrail.Entry::action, AuditTrail.Entry::actor, AuditTrail.Entry::messages)
        .containsExactly(tuple(SupportActionType.CANCEL, "ann", 3));
  }

  @Test
  void resendReleasesUnconfirmedAndFailedMessagesInRangesOfAtMostOneBatch() {
    UUID id = sendouts.create(emailSendout(25)).sendout().id();
    sendouts.release(id);
    var claimed = deliveries.claimForSend(id, 0, 0, 25);
    deliveries.markAccepted(claimed.stream().map(OutgoingMessage::id).toList(), "sg-1");
    deliveries.markUnconfirmed(List.of(claimed.get(3).id(), claimed.get(7).id()), "no receipt");
    deliveries.markFailed(List.of(claimed.get(21).id()), "bounced address");

    ActionApplied applied = apply(id, "resend-1", SupportActionType.RESEND);

    assertThat(applied.messages()).isEqualTo(3);
    assertThat(applied.resend()).containsExactly(new SeqRange(3, 8), new SeqRange(21, 22));
    var resent = messages.find(claimed.get(3).id()).orElseThrow();
    assertThat(resent.status()).isEqualTo(RELEASED);
    assertThat(resent.attemptCount()).isOne();
    assertThat(deliveries.claimForSend(id, 1, 3, 8))
        .extracting(OutgoingMessage::id)
        .containsExactly(claimed.get(3).id(), claimed.get(7).id());
    assertThat(messages.find(claimed.get(3).id()).orElseThrow().attemptCount())
        .as("a resend is a new attempt")
        .isEqualTo(2);
    assertThat(deliveries.tally(new SendBatch(id.toString(), 0, 0, 10)).total())
        .as("the first batch no longer counts the messages sent again")
        .isEqualTo(8);
    assertThat(messages.find(claimed.get(4).id()).orElseThrow().status()).isEqualTo(ACCEPTED);
    assertThat(apply(id, "resend-2", SupportActionType.RESEND).messages())
        .as("nothing left to resend")
        .isZero();
    assertThat(trail(audit, id))
        .extracting(AuditTrail.Entry::action)
        .containsOnlyOnce(SupportActionType.RESEND);
    assertThat(UNCONFIRMED.isResendable() && FAILED.isResendable()).isTrue();
  }

  @Test
  void aPausedSendoutWhoseSurveyClosedNoLongerHoldsItsDeliveryCalls() {
    UUID id = sendouts.create(emailSendout(1)).sendout().id();
    apply(id, "pause-1", SupportActionType.PAUSE);

    waves.close(id);

    // Its unsent messages are CANCELLED: a call let through finds nothing, and the batch settles.
    assertThat(sendouts.isPaused(id)).isFalse();
    assertThat(messages.page(id, null, -1, 10))
        .extracting(StoredMessage::status)
        .containsOnly(CANCELLED);
  }

  /**
   * A recipient who responded got the invitation again: a response proves it arrived, so their
   * invitation and reminders are not resent (to either of their invitations), but a thank-you is.
   */
  @Test
  void resendLeavesOutTheInvitationsOfRecipientsWhoRespondedButNotTheirThankYous() {
    UUID id = sendouts.create(emailSendout(5)).sendout().id();
    sendouts.release(id);
    var claimed = deliveries.claimForSend(id, 0, 0, 5);
    deliveries.markAccepted(claimed.stream().map(OutgoingMessage::id).toList(), "sg-1");
    deliveries.markUnconfirmed(claimed.stream().map(OutgoingMessage::id).toList(), "no receipt");
    // user0 responded; seq 1 is user0 invited again (in capitals), seq 2 stands for user0's
    // thank-you and seq 4 for a reminder of theirs; seq 3, user3, did not respond.
    UUID user0 = claimed.get(0).id();
    db.update(MESSAGE)
        .set(MESSAGE.RESPONDED_AT, OffsetDateTime.now())
        .where(MESSAGE.ID.eq(user0))
        .execute();
    db.update(MESSAGE)
        .set(MESSAGE.ADDRESS, "USER0@example.com")
        .where(MESSAGE.ID.eq(claimed.get(1).id()))
        .execute();
    db.update(MESSAGE)
        .set(MESSAGE.ADDRESS, "user0@example.com")
        .set(MESSAGE.THANKS_MESSAGE_ID, user0)
        .where(MESSAGE.ID.eq(claimed.get(2).id()))
        .execute();
    db.update(MESSAGE)
        .set(MESSAGE.ADDRESS, "user0@example.com")
        .set(MESSAGE.REMINDS_MESSAGE_ID, user0)
        .set(MESSAGE.REMINDER_INDEX, (short) 0)
        .where(MESSAGE.ID.eq(claimed.get(4).id()))
        .execute();

    assertThat(supportMessages.anyResendable(id)).isTrue();
    assertThat(apply(id, "resend-1", SupportActionType.RESEND).resend())
        .containsExactly(new SeqRange(2, 4));
    assertThat(messages.page(id, null, -1, 10))
        .extracting(StoredMessage::status)
        .containsExactly(UNCONFIRMED, UNCONFIRMED, RELEASED, RELEASED, UNCONFIRMED);
    assertThat(supportMessages.anyResendable(id)).as("only the responder's invitations").isFalse();
  }

  /**
   * A recipient who unsubscribed after their invitation was accepted: a resend leaves it as it was,
   * UNCONFIRMED and accepted, rather than taking it for the claim's gate to make SUPPRESSED, "never
   * sent", without its acceptance (a survey-features sweep). The address matches whatever its case.
   */
  @Test
  void resendLeavesOutMessagesToSuppressedRecipients() {
    UUID id = sendouts.create(emailSendout("tenant-resend-suppressed", 3, null)).sendout().id();
    sendouts.release(id);
    var claimed = deliveries.claimForSend(id, 0, 0, 3);
    deliveries.markAccepted(claimed.stream().map(OutgoingMessage::id).toList(), "sg-1");
    deliveries.markUnconfirmed(claimed.stream().map(OutgoingMessage::id).toList(), "no receipt");
    suppressions.add(
        "tenant-resend-suppressed",
        new SuppressionStore.NewEntry(
            SuppressionKey.of("USER1@example.com"), SuppressionReason.UNSUBSCRIBED, "test"));

    assertThat(apply(id, "resend-1", SupportActionType.RESEND).messages()).isEqualTo(2);
    assertThat(messages.page(id, null, -1, 10))
        .extracting(StoredMessage::status)
        .containsExactly(RELEASED, UNCONFIRMED, RELEASED);
    StoredMessage unsubscribed = messages.page(id, null, -1, 10).get(1);
    assertThat(unsubscribed.status()).isEqualTo(UNCONFIRMED);
    assertThat(unsubscribed.acceptedAt()).isNotNull();
    // Nothing waits for it any more, as nothing can send it again: it holds its batch open no more
    // (a second reader: the sendout stayed NO_RECEIPT for good).
    assertThat(settlement.batchReceipts(new SendBatch(id.toString(), 0, 0, 3), 10).tally())
        .satisfies(
            tally -> {
              assertThat(tally.unconfirmed()).isEqualTo(1);
              assertThat(tally.unconfirmedFinal()).isEqualTo(1);
            });
  }

  /**
   * Three invitations accepted, and a wave of a reminder to each made, QUEUED: a wave waiting for
   * its recipients' window, or held by a pause. Returns the wave's messages.
   */
  private SeqRange invitedWithAWaveMade(UUID id) {
    db.update(SENDOUT)
        .set(SENDOUT.REMINDERS, JSONB.valueOf("[{\"after\":\"PT1H\"}]"))
        .where(SENDOUT.ID.eq(id))
        .execute();
    sendouts.release(id);
    var claimed = deliveries.claimForSend(id, 0, 0, 3);
    deliveries.markAccepted(claimed.stream().map(OutgoingMessage::id).toList(), "sg-1");
    return waves.wave(id, UUID.randomUUID(), Instant.now().plus(Duration.ofHours(1)), 0).messages();
  }

  /** The reminder waited past the recipient's response, and went out all the same. */
  @Test
  void aReminderIsCancelledAtItsClaimIfItsRecipientRespondedSinceItsWave() {
    UUID id = sendouts.create(emailSendout(3)).sendout().id();
    SeqRange wave = invitedWithAWaveMade(id);
    db.update(MESSAGE)
        .set(MESSAGE.RESPONDED_AT, OffsetDateTime.now())
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.eq(1))
        .execute();
    sendouts.release(id);

    var claimed = deliveries.claimForSend(id, 1, wave.fromSeq(), wave.toSeq());

    assertThat(claimed)
        .extracting(OutgoingMessage::address)
        .containsExactly("user0@example.com", "user2@example.com");
    assertThat(messages.page(id, null, -1, 10))
        .extracting(StoredMessage::seq, StoredMessage::status, StoredMessage::lastError)
        .containsExactly(
            tuple(0, ACCEPTED, null),
            tuple(1, ACCEPTED, null),
            tuple(2, ACCEPTED, null),
            tuple(3, RELEASED, null),
            tuple(4, CANCELLED, "The recipient responded before this reminder went out"),
            tuple(5, RELEASED, null));
  }

  /** cancel-reminders only stopped waves to come: one already made went out at its window. */
  @Test
  void cancellingRemindersCancelsAWaveAlreadyMadeAndNoInvitation() {
    UUID id = sendouts.create(emailSendout(3)).sendout().id();
    SeqRange wave = invitedWithAWaveMade(id);

    ActionApplied first = apply(id, "cancel-reminders-1", SupportActionType.CANCEL_REMINDERS);
    ActionApplied retried = apply(id, "cancel-reminders-1", SupportActionType.CANCEL_REMINDERS);

    assertThat(wave.size()).isEqualTo(3);
    assertThat(first.messages()).isEqualTo(3);
    assertThat(retried.messages()).isZero();
    assertThat(messages.page(id, null, -1, 10))
        .extracting(StoredMessage::status)
        .containsExactly(ACCEPTED, ACCEPTED, ACCEPTED, CANCELLED, CANCELLED, CANCELLED);
    assertThat(trail(audit, id))
        .extracting(AuditTrail.Entry::action, AuditTrail.Entry::messages)
        .containsExactly(tuple(SupportActionType.CANCEL_REMINDERS, 3));
  }

  /** A cancelled sendout showed the next wave that would never come. */
  @Test
  void aCancelledSendoutShowsNoNextReminder() {
    UUID id = sendouts.create(emailSendout(1)).sendout().id();
    db.update(SENDOUT)
        .set(SENDOUT.NEXT_REMINDER_AT, OffsetDateTime.now().plusDays(1))
        .where(SENDOUT.ID.eq(id))
        .execute();

    apply(id, "cancel-1", SupportActionType.CANCEL);

    assertThat(sendouts.find(id).orElseThrow().nextReminderAt()).isNull();
  }

  @Test
  void pausingIsVisibleToDeliveryUntilResumed() {
    UUID id = sendouts.create(emailSendout(1)).sendout().id();

    apply(id, "pause-1", SupportActionType.PAUSE);
    assertThat(sendouts.isPaused(id)).isTrue();
    apply(id, "resume-1", SupportActionType.RESUME);

    assertThat(sendouts.isPaused(id)).isFalse();
    assertThat(trail(audit, id))
        .extracting(AuditTrail.Entry::action)
        .containsExactly(SupportActionType.PAUSE, SupportActionType.RESUME);
  }

  /**
   * A sendout paused while its last calls were in flight, or whose survey closed while paused,
   * completed and showed "paused" for good, a pause no resume could lift; a resend's new run, not
   * paused, would have found its calls held by it.
   */
  @Test
  void aPausedSendoutThatCompletesIsNoLongerPaused() {
    UUID id = sendouts.create(emailSendout(1)).sendout().id();
    apply(id, "pause-1", SupportActionType.PAUSE);

    sendouts.markCompleted(id);

    assertThat(sendouts.isPaused(id)).isFalse();
    assertThat(db.select(SENDOUT.PAUSED_AT).from(SENDOUT).where(SENDOUT.ID.eq(id)).fetchSingle())
        .extracting(r -> r.value1())
        .isNull();
  }

  @Test
  void rangesNeverSpanMoreThanOneBatchOfSequenceNumbers() {
    assertThat(SeqRanges.grouped(List.of(0, 9, 10, 19, 20, 45), 10))
        .containsExactly(
            new SeqRange(0, 10), new SeqRange(10, 20), new SeqRange(20, 21), new SeqRange(45, 46));
    assertThat(SeqRanges.grouped(List.of(), 10)).isEmpty();
  }
}
