package dev.sendout.core.watchdog;

import static dev.sendout.core.store.jooq.Tables.AUDIT_EVENT;
import static dev.sendout.core.store.jooq.Tables.FINDING;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.core.StoreTest;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.receipt.BatchKey;
import dev.sendout.core.receipt.MessageSettlement;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.support.SupportMessages;
import dev.sendout.core.watchdog.FindingStore.Finding;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.receipt.DeliveryTally;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.StuckReason;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class FindingStoreTest extends StoreTest {

  private static final Duration GRACE = Duration.ofMinutes(10);

  @Autowired SendoutStore sendouts;
  @Autowired DeliveryStore deliveries;
  @Autowired FindingStore findings;
  @Autowired MessageSettlement settlement;
  @Autowired SupportMessages supportMessages;
  @Autowired DSLContext db;

  @AfterEach
  void noFindingsLeakIntoOtherTests() {
    db.deleteFrom(FINDING).execute();
  }

  /** Moves the sendout's clock back: created, due and queued {@code ago}. */
  private UUID sendoutFrom(Duration ago, int recipients) {
    UUID id = sendouts.create(emailSendout(recipients)).sendout().id();
    OffsetDateTime then = OffsetDateTime.now(ZoneOffset.UTC).minus(ago);
    db.update(SENDOUT).set(SENDOUT.SEND_AT, then).where(SENDOUT.ID.eq(id)).execute();
    db.update(MESSAGE).set(MESSAGE.QUEUED_AT, then).where(MESSAGE.SENDOUT_ID.eq(id)).execute();
    return id;
  }

  private List<Finding> notReleasedOf(UUID id) {
    return findings.notReleased(GRACE).stream().filter(f -> f.sendoutId().equals(id)).toList();
  }

  @Test
  void queuedMessagesPastSendTimePlusGraceAreNotReleasedAndOnlyThen() {
    UUID late = sendoutFrom(Duration.ofMinutes(11), 3);
    UUID withinGrace = sendoutFrom(Duration.ofMinutes(9), 3);
    UUID released = sendoutFrom(Duration.ofHours(1), 3);
    sendouts.release(released);

    assertThat(notReleasedOf(late))
        .extracting(Finding::reason, Finding::messages)
        .containsExactly(tuple(StuckReason.NOT_RELEASED, 3));
    assertThat(notReleasedOf(late).get(0).since())
        .isBetween(
            OffsetDateTime.now().minusMinutes(2).toInstant(),
            OffsetDateTime.now().minusMinutes(1).plusSeconds(5).toInstant());
    assertThat(notReleasedOf(withinGrace)).isEmpty();
    assertThat(notReleasedOf(released)).isEmpty();
  }

  @Test
  void pausedAndCancelledSendoutsAreNotFlaggedForHoldingTheirMessages() {
    UUID paused = sendoutFrom(Duration.ofHours(1), 2);
    db.update(SENDOUT)
        .set(SENDOUT.PAUSED_AT, OffsetDateTime.now())
        .where(SENDOUT.ID.eq(paused))
        .execute();

    UUID cancelled = sendoutFrom(Duration.ofHours(1), 2);
    db.update(SENDOUT)
        .set(SENDOUT.CANCELLED_AT, OffsetDateTime.now())
        .where(SENDOUT.ID.eq(cancelled))
        .execute();

    assertThat(notReleasedOf(paused)).isEmpty();
    assertThat(notReleasedOf(cancelled)).isEmpty();
    assertThat(notReleasedOf(sendoutFrom(Duration.ofHours(1), 2))).hasSize(1);
  }

  @Test
  void acceptedMessagesPastTheirReceiptDeadlineAndUnconfirmedOnesHaveNoReceipt() {
    UUID id = sendoutFrom(Duration.ofHours(30), 3);
    sendouts.release(id);
    var claimed = deliveries.claimForSend(id, 0, 0, 3);
    deliveries.markAccepted(claimed.stream().map(OutgoingMessage::id).toList(), "sg-1");
    db.update(MESSAGE)
        .set(MESSAGE.ACCEPTED_AT, OffsetDateTime.now().minusHours(25))
        .where(MESSAGE.ID.eq(claimed.get(0).id()))
        .execute();
    deliveries.markUnconfirmed(List.of(claimed.get(1).id()), "no receipt");

    assertThat(findings.noReceipt().stream().filter(f -> f.sendoutId().equals(id)))
        .extracting(Finding::reason, Finding::messages)
        .containsExactly(tuple(StuckReason.NO_RECEIPT, 2));
  }

  /**
   * An unconfirmed message nothing waits for any more is neither flagged nor holds its batch open:
   * its recipient responded (a response proves an invitation arrived), or support staff
   * acknowledged it in a sendout that sends nothing again (cancelled here). Found by a hostile
   * sweep: such a sendout stayed open and flagged for good, and no action could end it.
   */
  @Test
  void unconfirmedMessagesOfARecipientWhoRespondedOrAcknowledgedInACancelledSendoutEndTheWait() {
    UUID id = sendoutFrom(Duration.ofHours(30), 3);
    sendouts.release(id);
    var claimed = deliveries.claimForSend(id, 0, 0, 3);
    List<UUID> ids = claimed.stream().map(OutgoingMessage::id).toList();
    deliveries.markAccepted(ids, "sg-1");
    deliveries.markUnconfirmed(ids, "no receipt");
    SendBatch batch = new SendBatch(id.toString(), 0, 0, 3);
    Supplier<Integer> flagged =
        () ->
            findings.noReceipt().stream()
                .filter(f -> f.sendoutId().equals(id))
                .mapToInt(Finding::messages)
                .sum();
    Supplier<DeliveryTally> tally = () -> settlement.batchReceipts(batch, 10).tally();
    assertThat(flagged.get()).isEqualTo(3);
    assertThat(tally.get().open()).isEqualTo(3);

    db.update(MESSAGE)
        .set(MESSAGE.RESPONDED_AT, OffsetDateTime.now())
        .where(MESSAGE.ID.eq(ids.get(0)))
        .execute();
    assertThat(flagged.get()).isEqualTo(2);
    assertThat(tally.get())
        .extracting(DeliveryTally::unconfirmed, DeliveryTally::open)
        .containsExactly(3, 2);
    // A thank-you goes to a responder by definition, and a resend takes it when in doubt.
    db.update(MESSAGE)
        .set(MESSAGE.THANKS_MESSAGE_ID, ids.get(0))
        .set(MESSAGE.ADDRESS, claimed.get(0).address())
        .where(MESSAGE.ID.eq(ids.get(1)))
        .execute();
    assertThat(flagged.get()).isEqualTo(2);
    assertThat(tally.get().open()).isEqualTo(2);
    assertThat(settlement.batchesNothingWaitsFor(id, List.of(ids.get(0))))
        .containsExactly(new BatchKey(id, 0));
    assertThat(settlement.batchesNothingWaitsFor(id, List.of(ids.get(2)))).isEmpty();

    // Acknowledged while the sendout may still resend them: a resend may follow, so still waited
    // for.
    db.insertInto(AUDIT_EVENT)
        .set(AUDIT_EVENT.SENDOUT_ID, id)
        .set(AUDIT_EVENT.ACTION_ID, "action-ack")
        .set(AUDIT_EVENT.ACTION, SupportActionType.ACKNOWLEDGE)
        .set(AUDIT_EVENT.ACTOR, "ann")
        .set(AUDIT_EVENT.AT, OffsetDateTime.now())
        .execute();
    // The third became UNCONFIRMED after the acknowledgement, which did not see it.
    db.update(MESSAGE)
        .set(MESSAGE.UNCONFIRMED_AT, OffsetDateTime.now().plusMinutes(1))
        .where(MESSAGE.ID.eq(ids.get(2)))
        .execute();
    assertThat(tally.get().open()).isEqualTo(2);

    db.update(SENDOUT)
        .set(SENDOUT.CANCELLED_AT, OffsetDateTime.now())
        .where(SENDOUT.ID.eq(id))
        .execute();
    assertThat(flagged.get()).isEqualTo(1);
    assertThat(tally.get())
        .extracting(DeliveryTally::unconfirmed, DeliveryTally::open)
        .containsExactly(3, 1);
  }

  /**
   * The watchdog told a workflow only when a pass changed the set of findings, right after
   * committing it: a signal lost then (a Temporal blip, a worker dying mid-pass, a reset that
   * dropped it) was never sent again, and a finding's count and detail never reached the details.
   */
  @Test
  void aWorkflowIsToldOfNewsUntilItWasToldAndOfOpenFindingsAgainAfterAWhile() {
    UUID id = sendoutFrom(Duration.ofHours(1), 2);
    List<Finding> seen = notReleasedOf(id);
    Duration hour = Duration.ofHours(1);

    findings.record(seen);
    assertThat(findings.toTell(hour)).contains(id);
    findings.record(seen);
    assertThat(findings.toTell(hour)).as("not told yet: told again").contains(id);
    findings.told(id);
    findings.record(seen);
    assertThat(findings.toTell(hour)).as("told, nothing new").doesNotContain(id);
    assertThat(findings.toTell(Duration.ZERO))
        .as("told, and told again after a while")
        .contains(id);

    Finding f = seen.get(0);
    findings.record(
        List.of(
            new Finding(
                f.sendoutId(), f.tenantId(), f.channel(), f.reason(), 5, f.since(), "5 queued")));
    assertThat(findings.toTell(hour)).as("its count changed").contains(id);
    findings.told(id);
    findings.record(List.of());
    assertThat(findings.toTell(hour)).as("cleared").contains(id);
    findings.told(id);
    assertThat(findings.toTell(Duration.ZERO)).as("cleared and told: done").doesNotContain(id);
  }

  /**
   * Found by a hostile sweep: support acknowledged the workflow's own flag in the minute before the
   * watchdog's pass, and the finding that pass wrote stayed unacknowledged for good, a second
   * acknowledgement refused as "not flagged stuck".
   */
  @Test
  void aFindingOfTheWorkflowsOwnFlagComesAcknowledgedWhenSupportAcknowledgedItFirst() {
    UUID early = sendoutFrom(Duration.ofHours(1), 2);
    UUID before = sendoutFrom(Duration.ofHours(1), 2);
    Finding found = notReleasedOf(early).get(0);
    acknowledge(early, "early", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1));
    acknowledge(before, "long ago", found.since().atOffset(ZoneOffset.UTC).minusMinutes(1));
    Finding notSent =
        new Finding(
            early, found.tenantId(), found.channel(), StuckReason.NOT_SENT, 2, found.since(), "x");

    findings.record(List.of(found, notSent, notReleasedOf(before).get(0)));

    assertThat(
            db.select(FINDING.REASON, FINDING.ACKNOWLEDGED_BY, FINDING.ACKNOWLEDGE_NOTE)
                .from(FINDING)
                .where(FINDING.SENDOUT_ID.in(early, before))
                .fetch(r -> tuple(r.value1(), r.value2(), r.value3())))
        .containsExactlyInAnyOrder(
            tuple(StuckReason.NOT_RELEASED, "ann", "early"),
            tuple(StuckReason.NOT_SENT, null, null),
            tuple(StuckReason.NOT_RELEASED, null, null));
  }

  private void acknowledge(UUID sendoutId, String note, OffsetDateTime at) {
    db.insertInto(AUDIT_EVENT)
        .set(AUDIT_EVENT.SENDOUT_ID, sendoutId)
        .set(AUDIT_EVENT.ACTION_ID, UUID.randomUUID().toString())
        .set(AUDIT_EVENT.ACTION, SupportActionType.ACKNOWLEDGE)
        .set(AUDIT_EVENT.ACTOR, "ann")
        .set(AUDIT_EVENT.NOTE, note)
        .set(AUDIT_EVENT.AT, at)
        .execute();
  }

  @Test
  void aLastingProblemIsOneFindingAndItIsClearedWhenNoLongerSeen() {
    UUID id = sendoutFrom(Duration.ofHours(1), 2);
    List<Finding> seen = notReleasedOf(id);

    var first = findings.record(seen);
    var second = findings.record(seen);
    var gone = findings.record(List.of());

    assertThat(first.opened()).hasSize(1);
    assertThat(second.opened()).isEmpty();
    assertThat(gone.cleared()).isOne();
    assertThat(db.fetchCount(FINDING, FINDING.SENDOUT_ID.eq(id))).isOne();
    assertThat(db.fetchCount(FINDING, FINDING.SENDOUT_ID.eq(id).and(FINDING.CLEARED_AT.isNull())))
        .isZero();
  }

  private List<Finding> of(List<Finding> all, UUID id) {
    return all.stream().filter(f -> f.sendoutId().equals(id)).toList();
  }

  /** Released {@code ago}, as the provider keeps refusing: the last error is on the messages. */
  private UUID releasedFrom(Duration ago, int recipients, String lastError) {
    UUID id = sendoutFrom(ago, recipients);
    sendouts.release(id);
    var claimed = deliveries.claimForSend(id, 0, 0, recipients);
    deliveries.unclaim(claimed.stream().map(OutgoingMessage::id).toList(), lastError);
    db.update(MESSAGE)
        .set(MESSAGE.RELEASED_AT, OffsetDateTime.now(ZoneOffset.UTC).minus(ago))
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .execute();
    return id;
  }

  @Test
  void releasedMessagesNoProviderTookPastTheSendGraceAreNotSentWithTheLastError() {
    UUID failing = releasedFrom(Duration.ofMinutes(11), 3, "401 from Vonage: bad credentials");
    UUID withinGrace = releasedFrom(Duration.ofMinutes(9), 3, "503 from SendGrid");

    assertThat(of(findings.notSent(GRACE), failing))
        .extracting(Finding::reason, Finding::messages)
        .containsExactly(tuple(StuckReason.NOT_SENT, 3));
    assertThat(of(findings.notSent(GRACE), failing).get(0).detail())
        .isEqualTo(
            "3 messages released and not sent; last provider error: 401 from Vonage: bad credentials");
    assertThat(of(findings.notSent(GRACE), withinGrace)).isEmpty();
  }

  /**
   * Found by a crash drill: a worker killed during its SendGrid calls left 5,000 messages in them,
   * which the provider had taken, flagged as "released and not sent; last provider error: none".
   */
  @Test
  void messagesInAProviderCallNotAnsweredAreNamedAsSuch() {
    UUID id = releasedFrom(Duration.ofMinutes(11), 3, "503 from SendGrid");
    deliveries.claimForSend(id, 1, 0, 2);

    assertThat(of(findings.notSent(GRACE), id))
        .singleElement()
        .extracting(Finding::detail)
        .isEqualTo(
            "3 messages released and not sent; 2 of them in a provider call not answered yet (in"
                + " doubt if its worker stopped); last provider error: 503 from SendGrid");
  }

  /**
   * Found by a hang drill: a provider that does not answer times each call out in turn, and the
   * messages still waiting, never tried, said "last provider error: none". The sendout's last call
   * in doubt within the grace says why; one from before it does not.
   */
  @Test
  void messagesNotTriedYetNameWhatTheSendoutsLastCallInDoubtMet() {
    UUID id = releasedFrom(Duration.ofMinutes(11), 3, null);
    UUID older = releasedFrom(Duration.ofMinutes(11), 3, null);
    for (UUID sendout : List.of(id, older)) {
      var claimed = deliveries.claimForSend(sendout, 1, 0, 1);
      deliveries.markUnconfirmed(
          claimed.stream().map(OutgoingMessage::id).toList(),
          "Send outcome unknown: SocketTimeoutException after the request was sent");
    }
    db.update(MESSAGE)
        .set(MESSAGE.UNCONFIRMED_AT, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(12))
        .where(MESSAGE.SENDOUT_ID.eq(older))
        .execute();

    assertThat(of(findings.notSent(GRACE), id))
        .singleElement()
        .extracting(Finding::detail)
        .isEqualTo(
            "2 messages released and not sent; last provider error: Send outcome unknown:"
                + " SocketTimeoutException after the request was sent");
    assertThat(of(findings.notSent(GRACE), older))
        .singleElement()
        .extracting(Finding::detail)
        .isEqualTo("2 messages released and not sent; last provider error: none");

    // A message accepted, then UNCONFIRMED at its receipt deadline, was no call in doubt.
    db.update(MESSAGE)
        .set(MESSAGE.UNCONFIRMED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .set(MESSAGE.ACCEPTED_AT, OffsetDateTime.now(ZoneOffset.UTC).minusHours(25))
        .set(MESSAGE.LAST_ERROR, "No receipt from the provider within PT24H")
        .where(MESSAGE.SENDOUT_ID.eq(older))
        .and(MESSAGE.STATUS.eq(UNCONFIRMED))
        .execute();
    assertThat(of(findings.notSent(GRACE), older))
        .singleElement()
        .extracting(Finding::detail)
        .isEqualTo("2 messages released and not sent; last provider error: none");
  }

  /**
   * Paused through a provider outage, resumed once it was over: it was flagged NOT_SENT again at
   * the next pass, since before the pause, while its first sends were still on their way.
   */
  @Test
  void theSendGraceOfAResumedSendoutCountsFromTheResume() {
    UUID resumed = releasedFrom(Duration.ofMinutes(30), 3, "503 from Vonage");
    db.update(SENDOUT)
        .set(SENDOUT.RESUMED_AT, OffsetDateTime.now().minusMinutes(1))
        .where(SENDOUT.ID.eq(resumed))
        .execute();

    assertThat(of(findings.notSent(GRACE), resumed)).isEmpty();
    db.update(SENDOUT)
        .set(SENDOUT.RESUMED_AT, OffsetDateTime.now().minusMinutes(11))
        .where(SENDOUT.ID.eq(resumed))
        .execute();
    assertThat(of(findings.notSent(GRACE), resumed))
        .extracting(Finding::since)
        .allSatisfy(
            since -> assertThat(since).isAfter(java.time.Instant.now().minusSeconds(12 * 60)));
  }

  /**
   * A resend releases its messages again: flagged from their first release, they were NOT_SENT at
   * the watchdog's pass while the resend's provider call was still under way (a crash drill).
   */
  @Test
  void theSendGraceOfResentMessagesCountsFromTheResend() {
    UUID resent = releasedFrom(Duration.ofMinutes(30), 3, null);
    var sent = deliveries.claimForSend(resent, 0, 0, 3);
    deliveries.markFailed(sent.stream().map(OutgoingMessage::id).toList(), "422 from Vonage");

    assertThat(supportMessages.releaseForResend(resent, "Sent again by ann")).hasSize(3);

    assertThat(of(findings.notSent(GRACE), resent)).isEmpty();
  }

  @Test
  void aSendoutStillGoingOutAtTheProvidersPaceIsNotFlaggedNotSent() {
    UUID paced = releasedFrom(Duration.ofMinutes(30), 3, null);
    var sending = deliveries.claimForSend(paced, 0, 0, 1);
    deliveries.markAccepted(List.of(sending.get(0).id()), "v-1");

    assertThat(of(findings.notSent(GRACE), paced)).isEmpty();
  }

  @Test
  void acceptedMessagesWithoutAReceiptPastTheWarningAreLateBeforeTheirDeadline() {
    UUID id = sendoutFrom(Duration.ofHours(3), 3);
    sendouts.release(id);
    var claimed = deliveries.claimForSend(id, 0, 0, 3);
    deliveries.markAccepted(claimed.stream().map(OutgoingMessage::id).toList(), "sg-1");
    db.update(MESSAGE)
        .set(MESSAGE.ACCEPTED_AT, OffsetDateTime.now().minusHours(2))
        .where(MESSAGE.ID.in(claimed.get(0).id(), claimed.get(1).id()))
        .execute();

    assertThat(of(findings.receiptLate(Duration.ofHours(1)), id))
        .extracting(Finding::reason, Finding::messages)
        .containsExactly(tuple(StuckReason.RECEIPT_LATE, 2));
    assertThat(of(findings.receiptLate(Duration.ofHours(1)), id).get(0).detail())
        .isEqualTo("2 messages accepted over 1 h ago without a final receipt yet");
    assertThat(of(findings.receiptLate(Duration.ofHours(3)), id)).isEmpty();
    db.update(MESSAGE)
        .set(MESSAGE.ACCEPTED_AT, OffsetDateTime.now().minusHours(3))
        .where(MESSAGE.ID.eq(claimed.get(0).id()))
        .execute();
    assertThat(of(findings.receiptLate(Duration.ofMinutes(150)), id).get(0).detail())
        .isEqualTo("1 message accepted over 150 min ago without a final receipt yet");
  }

  @Test
  void overdueQueuedMessagesComeAsRunsOfSequenceNumbers() {
    UUID id = sendoutFrom(Duration.ofHours(1), 6);
    assertThat(findings.overdueQueued(id, GRACE, 10))
        .as("not released yet: its own release takes them")
        .isEmpty();
    db.update(SENDOUT)
        .set(SENDOUT.RELEASED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .where(SENDOUT.ID.eq(id))
        .execute();
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.RELEASED)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.in(2, 3))
        .execute();

    assertThat(findings.overdueQueued(id, GRACE, 10))
        .containsExactly(new SeqRange(0, 2), new SeqRange(4, 6));
    assertThat(findings.overdueQueued(id, GRACE, 1)).containsExactly(new SeqRange(0, 2));
    assertThat(findings.overdueQueued(id, Duration.ofHours(2), 10)).isEmpty();
  }
}
