package dev.sendout.core.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.delivery.ContentKey;
import dev.sendout.core.reminder.ReminderWaves;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Thank-yous queued with the responses that call for them, on real Postgres. */
class ThankYousTest extends StoreTest {

  private static final Instant AT = Instant.parse("2026-11-02T10:00:00Z");

  @Autowired SendoutStore sendouts;
  @Autowired ThankYous thankYous;
  @Autowired ReminderWaves waves;
  @Autowired DSLContext db;

  private UUID sendout(int recipients, ThankYou thankYou) {
    return sendout(emailSendout(recipients), thankYou);
  }

  private UUID sendout(NewSendout plain, ThankYou thankYou) {
    return sendouts
        .create(withFollowUps(plain, plain.content(), List.of(), thankYou))
        .sendout()
        .id();
  }

  private static List<ReportedResponse> byAddress(int... recipients) {
    return IntStream.range(0, recipients.length)
        .mapToObj(
            i -> new ReportedResponse(i, null, null, "user" + recipients[i] + "@example.com", AT))
        .toList();
  }

  /** Each thank-you: its seq, the seq of the invitation it thanks for, and its status. */
  private List<String> thankYous(UUID id) {
    return db.resultQuery(
            "select t.seq || ' for ' || i.seq || ' ' || t.status from message t"
                + " join message i on i.id = t.thanks_message_id where t.sendout_id = {0}"
                + " order by t.seq",
            id)
        .fetch(0, String.class);
  }

  private Record handOffs(UUID id) {
    return db.resultQuery(
            "select count(*), min(from_seq), max(to_seq) from recipient_addition"
                + " where sendout_id = {0} and handed_over_at is null",
            id)
        .fetchSingle();
  }

  @Test
  void eachRecordedResponseQueuesOneThankYouHandedOverAsAnAddition() {
    UUID id = sendout(4, new ThankYou("Thanks {{firstName}}", "Thank you", null));

    thankYous.record(id, byAddress(1, 3));
    thankYous.record(id, byAddress(3, 1, 2));

    assertThat(thankYous(id)).containsExactly("4 for 1 QUEUED", "5 for 3 QUEUED", "6 for 2 QUEUED");
    assertThat(handOffs(id).intoList()).containsExactly(2L, 4, 7);
    var stored = sendouts.find(id).orElseThrow();
    assertThat(stored.thankYouMessages()).isEqualTo(3);
    assertThat(stored.recipientsOnly()).isEqualTo(4);
    EmailContent content = sendouts.content(id, ContentKey.THANK_YOU, EmailContent.class);
    assertThat(content.subject()).isEqualTo("Thanks {{firstName}}");
    assertThat(content.text()).isEqualTo("Thank you");
    assertThat(content.html()).isNull();
    assertThat(content.fromAddress()).isEqualTo(CONTENT.fromAddress());
  }

  @Test
  void aResponseNamingAThankYouLandsOnItsInvitationAndThanksNoMore() {
    UUID id = sendout(2, new ThankYou("Thanks", "Thank you", null));
    thankYous.record(id, byAddress(0));
    UUID thankYou =
        db.resultQuery(
                "select id from message where sendout_id = {0} and thanks_message_id is not null",
                id)
            .fetchSingle(0, UUID.class);

    var again = thankYous.record(id, List.of(new ReportedResponse(0, thankYou, null, null, AT)));

    assertThat(again)
        .extracting(RecordedResponse::outcome)
        .containsExactly(RecordedResponse.Outcome.ALREADY_RECORDED);
    assertThat(thankYous(id)).containsExactly("2 for 0 QUEUED");
  }

  /** A recipient invited twice who responded through each invitation was thanked twice. */
  @Test
  void aRecipientInvitedTwiceIsThankedOnceThoughTheyRespondThroughEachInvitation() {
    UUID id = sendout(3, new ThankYou("Thanks", "Thank you", null));
    List<UUID> invitations = user0InvitedAgainAsTheThird(id);

    thankYous.record(id, List.of(new ReportedResponse(0, invitations.get(0), null, null, AT)));
    var second =
        thankYous.record(id, List.of(new ReportedResponse(0, invitations.get(2), null, null, AT)));

    assertThat(second)
        .extracting(RecordedResponse::outcome)
        .containsExactly(RecordedResponse.Outcome.RECORDED);
    assertThat(thankYous(id)).containsExactly("3 for 0 QUEUED");

    UUID both = sendout(3, new ThankYou("Thanks", "Thank you", null));
    List<UUID> twice = user0InvitedAgainAsTheThird(both);
    thankYous.record(
        both,
        List.of(
            new ReportedResponse(0, twice.get(0), null, null, AT),
            new ReportedResponse(1, twice.get(2), null, null, AT)));
    assertThat(thankYous(both))
        .as("both invitations in one batch")
        .containsExactly("3 for 0 QUEUED");
  }

  /** The sendout's third invitation made user0's, in capitals; its invitations in order. */
  private List<UUID> user0InvitedAgainAsTheThird(UUID id) {
    db.query(
            "update message set address = 'USER0@example.com' where sendout_id = {0} and seq = 2",
            id)
        .execute();
    return db.resultQuery("select id from message where sendout_id = {0} order by seq", id)
        .fetch(0, UUID.class);
  }

  @Test
  void noThankYouWithoutOneDeclaredNorAfterTheClose() {
    UUID plain = sendout(2, null);
    UUID thanking = sendout(2, new ThankYou("Thanks", "Thank you", null));
    thankYous.record(thanking, byAddress(0));

    waves.close(thanking);
    thankYous.record(plain, byAddress(0));
    var late = thankYous.record(thanking, byAddress(1));

    assertThat(late)
        .extracting(RecordedResponse::outcome)
        .containsExactly(RecordedResponse.Outcome.RECORDED);
    assertThat(thankYous(plain)).isEmpty();
    assertThat(thankYous(thanking))
        .as("the one queued before the close was cancelled by it")
        .containsExactly("2 for 0 CANCELLED");
  }

  @Test
  void anSmsThankYouIsItsOwnTextFromTheInvitationsSender() {
    UUID id = sendout(smsSendout(1), new ThankYou(null, "Thank you, {{url}}", null));

    SmsContent content = sendouts.content(id, ContentKey.THANK_YOU, SmsContent.class);

    assertThat(content.text()).isEqualTo("Thank you, {{url}}");
    assertThat(content.senderId()).isEqualTo("Surveys");
  }
}
