package dev.sendout.core.window;

import static dev.sendout.core.store.jooq.Tables.FINDING;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.StoreTest;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.channel.sms.SmsSegments;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.delivery.WindowHold;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendBacklog;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.SendoutStore.WindowRelease;
import dev.sendout.core.watchdog.FindingStore;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SeqRange;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A release within delivery windows on Postgres: each message in its own zone (given, from its
 * number, or the sendout's), the others left QUEUED with when their window opens, and the watchdog
 * not flagging them while it is closed.
 */
class WindowReleaseStoreTest extends StoreTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final DeliveryWindow NINE_TO_EIGHT =
      new DeliveryWindow(LocalTime.of(9, 0), LocalTime.of(20, 0), Set.of());

  @Autowired SendoutStore sendouts;
  @Autowired DeliveryStore deliveries;
  @Autowired MessageReads messages;
  @Autowired FindingStore findings;
  @Autowired SendBacklog backlog;
  @Autowired DSLContext db;

  @AfterEach
  void noFindingsLeakIntoOtherTests() {
    db.deleteFrom(FINDING).execute();
  }

  @Test
  void eachRecipientsZoneIsItsOwnThenItsNumbersIfUnambiguousThenTheSendouts() {
    assertThat(TimeZones.resolve(Channel.SMS, "+12015550123", null, "Europe/Berlin"))
        .as("a New Jersey number has one zone")
        .isEqualTo("America/New_York");
    assertThat(TimeZones.resolve(Channel.SMS, "+447911123456", null, "Europe/Berlin"))
        .as("a UK mobile maps to London and the Crown Dependencies: ambiguous")
        .isEqualTo("Europe/Berlin");
    assertThat(TimeZones.resolve(Channel.SMS, "+12015550123", "Asia/Tokyo", "Europe/Berlin"))
        .isEqualTo("Asia/Tokyo");
    assertThat(TimeZones.resolve(Channel.EMAIL, "ann@example.com", null, null)).isEqualTo("UTC");
    assertThat(TimeZones.iana("Europe/Berlin")).isPresent();
    assertThat(TimeZones.iana("+02:00")).as("an offset knows no DST").isEmpty();
    assertThat(TimeZones.iana("Mars/Olympus")).isEmpty();
    assertThat(TimeZones.iana("SystemV/EST5")).as("Java's, not IANA's, as EST is").isEmpty();
    assertThat(TimeZones.iana("EST")).isEmpty();
  }

  @Test
  void atElevenPmInNewYorkOnlyTokyoIsReleasedAndTheOthersWaitForTheirNineAm() {
    UUID id = sendouts.create(smsSendoutWithWindow()).sendout().id();
    Instant elevenPm = next(LocalTime.of(23, 0), NEW_YORK);
    Instant nineInBerlin = nineAm(elevenPm, BERLIN, 0);
    Instant nineInNewYork = nineAm(elevenPm, NEW_YORK, 1);
    UUID releaseId = UUID.randomUUID();

    WindowRelease first = sendouts.releaseInWindows(id, releaseId, 100, elevenPm);

    assertThat(first.messageCount()).isEqualTo(3);
    assertThat(first.released()).as("Tokyo: 13:00 there").containsExactly(new SeqRange(2, 3));
    assertThat(first.nextOpening()).isEqualTo(nineInBerlin);
    assertThat(first.releasedBefore()).isFalse();
    List<StoredMessage> stored = messages.page(id, null, -1, 10);
    assertThat(stored)
        .extracting(StoredMessage::status)
        .containsExactly(MessageStatus.QUEUED, MessageStatus.QUEUED, MessageStatus.RELEASED);
    assertThat(stored)
        .extracting(StoredMessage::waitingForWindowUntil)
        .containsExactly(nineInNewYork, nineInBerlin, null);
    assertThat(stored)
        .extracting(StoredMessage::timeZone)
        .containsExactly("America/New_York", "Europe/Berlin", "Asia/Tokyo");
    assertThat(sendouts.countWaitingForWindow(id)).isEqualTo(2);

    assertThat(sendouts.releaseInWindows(id, releaseId, 100, elevenPm).released())
        .as("a retried release answers what the committed one released")
        .containsExactly(new SeqRange(2, 3));

    WindowRelease berlin = sendouts.releaseInWindows(id, UUID.randomUUID(), 100, nineInBerlin);
    assertThat(berlin.released()).containsExactly(new SeqRange(1, 2));
    assertThat(berlin.nextOpening()).isEqualTo(nineInNewYork);
    assertThat(berlin.releasedBefore()).as("Tokyo's, at 23:00 in New York").isTrue();

    WindowRelease newYork = sendouts.releaseInWindows(id, UUID.randomUUID(), 100, nineInNewYork);
    assertThat(newYork.released()).containsExactly(new SeqRange(0, 1));
    assertThat(newYork.nextOpening()).isNull();
    assertThat(sendouts.countWaitingForWindow(id)).isZero();
  }

  @Test
  void messagesWaitingForAClosedWindowAreNotFlaggedNotReleasedUntilItHasOpenedPastTheGrace() {
    UUID id = sendouts.create(smsSendoutWithWindow()).sendout().id();
    sendouts.releaseInWindows(id, UUID.randomUUID(), 100, next(LocalTime.of(23, 0), NEW_YORK));
    OffsetDateTime hourAgo = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
    db.update(SENDOUT).set(SENDOUT.SEND_AT, hourAgo).where(SENDOUT.ID.eq(id)).execute();
    db.update(MESSAGE).set(MESSAGE.QUEUED_AT, hourAgo).where(MESSAGE.SENDOUT_ID.eq(id)).execute();
    int backlogWhileWaiting = backlog.count(Integer.MAX_VALUE);

    assertThat(notReleased(id)).as("their windows are closed").isEmpty();
    assertThat(findings.overdueQueued(id, Duration.ofMinutes(10), 10)).isEmpty();

    db.update(MESSAGE)
        .set(MESSAGE.WINDOW_OPENS_AT, hourAgo.plusMinutes(5))
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.eq(0))
        .execute();

    assertThat(notReleased(id)).containsExactly(1);
    assertThat(findings.overdueQueued(id, Duration.ofMinutes(10), 10))
        .containsExactly(new SeqRange(0, 1));
    assertThat(backlog.count(Integer.MAX_VALUE))
        .as("a message whose window has opened is work again")
        .isEqualTo(backlogWhileWaiting + 1);
  }

  /**
   * Released while their windows were open, then sent after they closed: a pause until the evening,
   * a resend at night or an SMS sendout still sending at 20:00 sent at 23:00 in New York.
   */
  @Test
  void releasedMessagesWhoseWindowHasClosedAreHeldAtTheClaimUntilItOpens() {
    UUID id = sendouts.create(smsSendoutWithWindow()).sendout().id();
    sendouts.release(id);
    Instant elevenPm = next(LocalTime.of(23, 0), NEW_YORK);
    Instant nineInBerlin = nineAm(elevenPm, BERLIN, 0);
    Instant nineInNewYork = nineAm(elevenPm, NEW_YORK, 1);

    Instant heldUntil = deliveries.holdOutsideWindows(id, 0, 3, elevenPm);

    assertThat(heldUntil).isEqualTo(nineInBerlin);
    assertThat(messages.page(id, null, -1, 10))
        .extracting(StoredMessage::waitingForWindowUntil)
        .containsExactly(nineInNewYork, nineInBerlin, null);
    assertThat(sendouts.countWaitingForWindow(id)).isEqualTo(2);
    List<OutgoingMessage> tokyo = deliveries.claimForSend(id, 0, 0, 3);
    assertThat(tokyo)
        .as("Tokyo's 13:00 only")
        .extracting(OutgoingMessage::address)
        .containsExactly("+12015550124");

    // All of it an hour ago: released, and Tokyo's accepted.
    deliveries.markAccepted(List.of(tokyo.get(0).id()), "vonage-1");
    OffsetDateTime hourAgo = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
    db.update(MESSAGE)
        .set(MESSAGE.RELEASED_AT, hourAgo)
        .set(MESSAGE.ACCEPTED_AT, DSL.when(MESSAGE.ACCEPTED_AT.isNotNull(), hourAgo))
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .execute();
    assertThat(notSent(id)).as("held for a window that has not opened").isEmpty();
    db.update(MESSAGE)
        .set(MESSAGE.WINDOW_OPENS_AT, hourAgo.plusMinutes(5))
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.eq(0))
        .execute();
    assertThat(notSent(id)).as("its window opened 55 minutes ago").containsExactly(1);

    assertThat(deliveries.holdOutsideWindows(id, 0, 3, nineInNewYork.plusSeconds(60))).isNull();
    assertThat(messages.page(id, null, -1, 10))
        .extracting(StoredMessage::waitingForWindowUntil)
        .containsOnlyNulls();
    assertThat(deliveries.claimForSend(id, 0, 0, 3)).hasSize(2);
  }

  @Test
  void aHeldCallIsRetriedWhenTheFirstWindowOpensOrAfterTenMinutes() {
    Instant now = Instant.parse("2026-12-07T22:00:00Z");
    WindowHold.refuseIfHeld(null, now);

    assertThatThrownBy(() -> WindowHold.refuseIfHeld(now.plusSeconds(20), now))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getType()).isEqualTo("OUTSIDE_WINDOW");
              assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(20));
            });
    assertThatThrownBy(() -> WindowHold.refuseIfHeld(now.plus(Duration.ofHours(11)), now))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofMinutes(10)));
  }

  @Test
  void aSendoutWhoseMessagesAllWaitForTheirWindowIsNoPendingWorkflowWork() {
    NewSendout all = smsSendoutWithWindow();
    all =
        new NewSendout(
            all.id(),
            all.tenantId(),
            all.channel(),
            all.content(),
            all.sendAt(),
            all.receiptTimeout(),
            null,
            "hash",
            List.of(recipient("+12015550123", null, null), recipient("+12015550124", null, null)),
            all.window(),
            all.timeZone());
    int before = pendingWorkflowWork();
    UUID id = sendouts.create(all).sendout().id();
    assertThat(pendingWorkflowWork()).as("due, not released").isEqualTo(before + 1);

    sendouts.releaseInWindows(id, UUID.randomUUID(), 100, next(LocalTime.of(23, 0), NEW_YORK));

    assertThat(pendingWorkflowWork()).as("waiting for 09:00").isEqualTo(before);
  }

  private List<Integer> notSent(UUID id) {
    return findings.notSent(Duration.ofMinutes(10)).stream()
        .filter(f -> f.sendoutId().equals(id))
        .map(FindingStore.Finding::messages)
        .toList();
  }

  private List<Integer> notReleased(UUID id) {
    return findings.notReleased(Duration.ofMinutes(10)).stream()
        .filter(f -> f.sendoutId().equals(id))
        .map(FindingStore.Finding::messages)
        .toList();
  }

  /**
   * An SMS sendout in Berlin's zone with a 09:00-20:00 window to a New Jersey number, a UK mobile
   * (whose zone is ambiguous, so Berlin's) and a recipient who gave Tokyo.
   */
  private static NewSendout smsSendoutWithWindow() {
    String sendoutZone = "Europe/Berlin";
    List<NewSendout.Recipient> recipients =
        List.of(
            recipient("+12015550123", null, sendoutZone),
            recipient("+447911123456", null, sendoutZone),
            recipient("+12015550124", "Asia/Tokyo", sendoutZone));
    return new NewSendout(
        UUID.randomUUID(),
        "tenant-a",
        Channel.SMS,
        new SmsContent("Surveys", "Tell us: {{url}}", SmsSegments.Encoding.GSM_7, 1, 3),
        Instant.now(),
        Duration.ofHours(72),
        null,
        "hash",
        recipients,
        NINE_TO_EIGHT,
        sendoutZone);
  }

  private static NewSendout.Recipient recipient(String phone, String zone, String sendoutZone) {
    return new NewSendout.Recipient(
        phone,
        null,
        Map.of("url", "https://s.example/" + phone),
        null,
        TimeZones.resolve(Channel.SMS, phone, zone, sendoutZone));
  }

  /** 09:00 in the zone on the day of {@code at} there, or that many days after. */
  private static Instant nineAm(Instant at, ZoneId zone, int daysAfter) {
    return at.atZone(zone).toLocalDate().plusDays(daysAfter).atTime(9, 0).atZone(zone).toInstant();
  }

  /**
   * The next instant after now, a day or more ahead, whose wall clock in the zone reads {@code
   * time}.
   */
  private static Instant next(LocalTime time, ZoneId zone) {
    ZonedDateTime now = ZonedDateTime.now(zone);
    return now.toLocalDate().plusDays(2).atTime(time).atZone(zone).toInstant();
  }

  private int pendingWorkflowWork() {
    return backlog.pendingWorkflowWorkByTenant().values().stream()
        .mapToInt(Integer::intValue)
        .sum();
  }
}
