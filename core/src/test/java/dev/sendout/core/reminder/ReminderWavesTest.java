package dev.sendout.core.reminder;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.core.StoreTest;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.response.RecordedResponse;
import dev.sendout.core.response.ReportedResponse;
import dev.sendout.core.response.ResponseStore;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SeqRange;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ReminderWavesTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired ReminderWaves waves;
  @Autowired ResponseStore responses;
  @Autowired DeliveryStore deliveries;
  @Autowired DSLContext db;
  @Autowired MessageReads messageReads;

  /** When the invitations were accepted, a whole second so that due times compare exactly. */
  private final Instant accepted = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);

  /**
   * A sendout of {@code recipients} invitations with these reminders, all accepted at {@link
   * #accepted}, to a tenant of its own (no other test's suppressions apply).
   */
  private UUID invited(int recipients, String... afters) {
    List<Reminder> reminders =
        java.util.Arrays.stream(afters).map(a -> new Reminder(a, null, null, null)).toList();
    var plain = emailSendout("tenant-reminder-waves", recipients, null);
    UUID id =
        sendouts.create(withFollowUps(plain, plain.content(), reminders, null)).sendout().id();
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.ACCEPTED)
        .set(MESSAGE.ACCEPTED_AT, accepted.atOffset(ZoneOffset.UTC))
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .execute();
    return id;
  }

  /** The wave's reminders: (address, reminder index). */
  private List<org.assertj.core.groups.Tuple> reminders(UUID id, SeqRange wave) {
    return db.select(MESSAGE.ADDRESS, MESSAGE.REMINDER_INDEX)
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.ge(wave.fromSeq()))
        .and(MESSAGE.SEQ.lt(wave.toSeq()))
        .orderBy(MESSAGE.SEQ)
        .fetch(r -> tuple(r.value1(), r.value2().intValue()));
  }

  /**
   * Reminders an hour apart, the wave made 10 s after the first was due (a pause, a timer's lag):
   * it took the second, an hour early, in place of the first, which was never sent.
   */
  @Test
  void aWaveMadeLateSendsTheReminderDueAndLeavesTheNextForItsTime() {
    UUID id = invited(1, "PT1M", "PT1H1M");

    ReminderWaves.Wave first =
        waves.wave(id, UUID.randomUUID(), accepted.plus(Duration.ofSeconds(70)), 0);

    assertThat(reminders(id, first.messages())).containsExactly(tuple("user0@example.com", 0));
    assertThat(first.nextIndex()).isEqualTo(1);
    assertThat(first.nextAt()).isEqualTo(accepted.plus(Duration.ofMinutes(61)));

    ReminderWaves.Wave second = waves.wave(id, UUID.randomUUID(), first.nextAt(), 0);

    assertThat(reminders(id, second.messages())).containsExactly(tuple("user0@example.com", 1));
    assertThat(second.nextAt()).isNull();
    assertThat(messageReads.page(id, null, -1, 10))
        .as("what the message listing says each is")
        .extracting(StoredMessage::kind)
        .containsExactly(
            StoredMessage.Kind.INVITATION,
            StoredMessage.Kind.REMINDER,
            StoredMessage.Kind.REMINDER);
  }

  /**
   * A wave held for its recipients' window (or by a pause) when the next one is made: the earlier
   * reminder is cancelled, so that the two do not go out together at the window's opening (a
   * survey-features sweep). One already handed to a provider call is left alone.
   */
  @Test
  void aLaterWaveCancelsTheEarlierRemindersThatHaveNotGoneOut() {
    UUID id = invited(2, "PT1M", "PT1H1M");
    SeqRange first =
        waves.wave(id, UUID.randomUUID(), accepted.plus(Duration.ofSeconds(70)), 0).messages();
    // user1's reminder is in flight: claimed by a provider call.
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.RELEASED)
        .set(MESSAGE.SEND_STARTED_AT, accepted.atOffset(ZoneOffset.UTC))
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.eq(first.fromSeq() + 1))
        .execute();

    SeqRange second =
        waves.wave(id, UUID.randomUUID(), accepted.plus(Duration.ofMinutes(61)), 0).messages();

    assertThat(reminders(id, second))
        .containsExactly(tuple("user0@example.com", 1), tuple("user1@example.com", 1));
    assertThat(
            db.select(MESSAGE.STATUS, MESSAGE.LAST_ERROR)
                .from(MESSAGE)
                .where(MESSAGE.SENDOUT_ID.eq(id))
                .and(MESSAGE.SEQ.ge(first.fromSeq()))
                .and(MESSAGE.SEQ.lt(first.toSeq()))
                .orderBy(MESSAGE.SEQ)
                .fetch(r -> tuple(r.value1(), r.value2())))
        .containsExactly(
            tuple(
                MessageStatus.CANCELLED,
                "Superseded by a later reminder due before this one went out"),
            tuple(MessageStatus.RELEASED, null));
  }

  /** After a long pause only the latest reminder due is sent, and the earlier ones never. */
  @Test
  void aWaveAfterALongPauseSendsOnlyTheLatestReminderDue() {
    UUID id = invited(1, "PT1M", "PT1H1M", "PT5H");

    ReminderWaves.Wave wave =
        waves.wave(id, UUID.randomUUID(), accepted.plus(Duration.ofHours(3)), 0);

    assertThat(reminders(id, wave.messages())).containsExactly(tuple("user0@example.com", 1));
    assertThat(wave.nextIndex()).isEqualTo(2);
  }

  /**
   * A recipient invited twice (added again) got each reminder twice, and one who responded to one
   * invitation by its id was reminded through the other.
   */
  @Test
  void aRecipientInvitedTwiceIsRemindedOnceAndNotAtAllOnceTheyResponded() {
    UUID id = invited(3, "PT1M");
    // user0 is invited twice (the second time spelt in capitals), and so is user2, who responds
    // to the first invitation.
    db.update(MESSAGE)
        .set(MESSAGE.ADDRESS, "USER0@example.com")
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.eq(1))
        .execute();
    UUID firstInvitationOfUser2 =
        db.select(MESSAGE.ID)
            .from(MESSAGE)
            .where(MESSAGE.SENDOUT_ID.eq(id))
            .and(MESSAGE.SEQ.eq(2))
            .fetchSingle(MESSAGE.ID);
    UUID added = invitedAgain(id, "user2@example.com");
    assertThat(added).isNotEqualTo(firstInvitationOfUser2);
    assertThat(
            responses.record(
                id,
                List.of(
                    new ReportedResponse(0, firstInvitationOfUser2, null, null, Instant.now()))))
        .extracting(RecordedResponse::outcome)
        .containsExactly(RecordedResponse.Outcome.RECORDED);

    ReminderWaves.Wave wave = waves.wave(id, UUID.randomUUID(), accepted.plusSeconds(60), 0);

    // user0's reminder goes to the later of its invitations.
    assertThat(reminders(id, wave.messages())).containsExactly(tuple("USER0@example.com", 0));
    assertThat(wave.nextAt()).isNull();
  }

  /** A reminder made before its recipient responded, to their other invitation, is not sent. */
  @Test
  void aReminderIsCancelledAtItsClaimIfItsRecipientRespondedToAnotherInvitation() {
    UUID id = invited(1, "PT1M");
    UUID again = invitedAgain(id, "user0@example.com");
    SeqRange wave = waves.wave(id, UUID.randomUUID(), accepted.plusSeconds(60), 0).messages();
    assertThat(wave.size()).isEqualTo(1);
    responses.record(id, List.of(new ReportedResponse(0, again, null, null, Instant.now())));
    sendouts.release(id);

    assertThat(deliveries.claimForSend(id, 1, wave.fromSeq(), wave.toSeq())).isEmpty();
    var reminder =
        db.select(MESSAGE.STATUS, MESSAGE.REMINDS_MESSAGE_ID)
            .from(MESSAGE)
            .where(MESSAGE.SENDOUT_ID.eq(id))
            .and(MESSAGE.SEQ.eq(wave.fromSeq()))
            .fetchSingle();
    assertThat(reminder.value1()).isEqualTo(MessageStatus.CANCELLED);
    assertThat(reminder.value2()).isEqualTo(firstInvitation(id));
  }

  /**
   * An invitation whose recipient's response was recorded before it went out (the survey platform
   * heard from them another way) went out anyway, beside its thank-you: it is cancelled at its
   * claim, and the others go.
   */
  @Test
  void anInvitationIsCancelledAtItsClaimIfItsRecipientHasResponded() {
    var plain = emailSendout("tenant-reminder-waves", 2, null);
    UUID id = sendouts.create(plain).sendout().id();
    responses.record(
        id, List.of(new ReportedResponse(0, firstInvitation(id), null, null, Instant.now())));
    // Another recipient at the same address (a household's) has an invitation of their own.
    UUID housemate = invitedAgain(id, "user0@example.com");
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.QUEUED)
        .setNull(MESSAGE.ACCEPTED_AT)
        .where(MESSAGE.ID.eq(housemate))
        .execute();
    sendouts.release(id);

    assertThat(deliveries.claimForSend(id, 0, 0, 3))
        .extracting(OutgoingMessage::address)
        .containsExactly("user1@example.com", "user0@example.com");
    var invitation =
        db.select(MESSAGE.STATUS, MESSAGE.LAST_ERROR)
            .from(MESSAGE)
            .where(MESSAGE.SENDOUT_ID.eq(id))
            .and(MESSAGE.SEQ.eq(0))
            .fetchSingle();
    assertThat(invitation.value1()).isEqualTo(MessageStatus.CANCELLED);
    assertThat(invitation.value2())
        .isEqualTo("The recipient responded before this invitation went out");
  }

  private UUID firstInvitation(UUID id) {
    return db.select(MESSAGE.ID)
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.eq(0))
        .fetchSingle(MESSAGE.ID);
  }

  /** Invites {@code address} again, accepted a second after the others; returns the invitation. */
  private UUID invitedAgain(UUID id, String address) {
    int seq =
        db.selectCount().from(MESSAGE).where(MESSAGE.SENDOUT_ID.eq(id)).fetchSingle().value1();
    UUID message = UUID.randomUUID();
    db.insertInto(MESSAGE)
        .set(MESSAGE.ID, message)
        .set(MESSAGE.SENDOUT_ID, id)
        .set(MESSAGE.SEQ, seq)
        .set(MESSAGE.ADDRESS, address)
        .set(MESSAGE.VARIABLES, org.jooq.JSONB.valueOf("{}"))
        .set(MESSAGE.STATUS, MessageStatus.ACCEPTED)
        .set(MESSAGE.QUEUED_AT, accepted.atOffset(ZoneOffset.UTC))
        .set(MESSAGE.ACCEPTED_AT, accepted.plusSeconds(1).atOffset(ZoneOffset.UTC))
        .execute();
    db.query("update sendout set recipient_count = {0} where id = {1}", seq + 1, id).execute();
    return message;
  }

  /**
   * A hostile sweep: an invitation responded to while its sendout was paused, then closed, was
   * cancelled as "survey closed", where the README names the response, as a release does.
   */
  @Test
  void theCloseCancelsAnInvitationWhoseRecipientRespondedWithThatReason() {
    UUID id = invited(2, "PT1H");
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.QUEUED)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .execute();
    db.update(MESSAGE)
        .set(MESSAGE.RESPONDED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.eq(0))
        .execute();

    assertThat(waves.close(id)).isEqualTo(2);

    assertThat(
            db.select(MESSAGE.STATUS, MESSAGE.LAST_ERROR)
                .from(MESSAGE)
                .where(MESSAGE.SENDOUT_ID.eq(id))
                .orderBy(MESSAGE.SEQ)
                .fetch(r -> tuple(r.value1(), r.value2())))
        .containsExactly(
            tuple(
                MessageStatus.CANCELLED, "The recipient responded before this invitation went out"),
            tuple(MessageStatus.CANCELLED, "survey closed"));
  }
}
