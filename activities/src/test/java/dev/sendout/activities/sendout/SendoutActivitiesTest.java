package dev.sendout.activities.sendout;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.activities.ActivitiesTestApplication;
import dev.sendout.core.StoreTest;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.window.DeliveryWindow;
import dev.sendout.workflows.StoreCalls;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.receipt.DeliveryTally;
import dev.sendout.workflows.sendout.SendoutActivities;
import dev.sendout.workflows.sendout.SendoutActivities.ApplyAction;
import dev.sendout.workflows.sendout.SendoutActivities.MarkCompleted;
import dev.sendout.workflows.sendout.SendoutActivities.MarkSending;
import dev.sendout.workflows.sendout.SendoutActivities.ReleaseSendout;
import dev.sendout.workflows.sendout.SendoutActivities.Released;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.SupportAction;
import dev.sendout.workflows.sendout.SupportActionType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The sendout's store activities on real Postgres, as the workflow calls them. */
@SpringBootTest(classes = ActivitiesTestApplication.class)
class SendoutActivitiesTest extends StoreTest {

  @Autowired SendoutActivitiesImpl activities;
  @Autowired SendoutStore sendouts;
  @Autowired DSLContext db;

  private TestActivityEnvironment temporal;
  private SendoutActivities store;

  @BeforeEach
  void setUp() {
    temporal = TestActivityEnvironment.newInstance();
    temporal.registerActivitiesImplementations(activities);
    store =
        temporal.newActivityStub(
            SendoutActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void tearDown() {
    temporal.close();
  }

  /**
   * A release within a window, through the activity as the workflow calls it (its payload over
   * Temporal's data converter): at 23:00 in the recipients' zone nothing is released and the answer
   * is their 09:00; a release without an id releases everything, as before windows existed.
   */
  @Test
  void aReleaseWithinAClosedWindowAnswersWhenItOpensAndAPlainReleaseReleasesAll() {
    ZoneId newYork = ZoneId.of("America/New_York");
    NewSendout base = smsSendout(3);
    NewSendout windowed =
        new NewSendout(
            base.id(),
            base.tenantId(),
            base.channel(),
            base.content(),
            base.sendAt(),
            base.receiptTimeout(),
            null,
            "hash",
            base.recipients().stream()
                .map(
                    r ->
                        new NewSendout.Recipient(
                            r.address(), r.displayName(), r.variables(), null, newYork.getId()))
                .toList(),
            new DeliveryWindow(LocalTime.of(9, 0), LocalTime.of(20, 0), Set.of()),
            null);
    UUID id = sendouts.create(windowed).sendout().id();
    Instant elevenPm =
        ZonedDateTime.now(newYork)
            .toLocalDate()
            .plusDays(2)
            .atTime(23, 0)
            .atZone(newYork)
            .toInstant();

    Released waiting =
        store.release(
            new ReleaseSendout(
                id.toString(), UUID.randomUUID().toString(), 100, elevenPm, false, null));

    assertThat(waiting.messageCount()).isEqualTo(3);
    assertThat(waiting.released()).isEmpty();
    assertThat(waiting.nextWindowOpening())
        .isEqualTo(elevenPm.plus(Duration.ofHours(10)).atZone(newYork).withHour(9).toInstant());

    Released all = store.release(new ReleaseSendout(id.toString()));
    assertThat(all.messageCount()).isEqualTo(3);
    assertThat(sendouts.countWaitingForWindow(id)).isZero();
  }

  /**
   * A round sent in its workflow task ({@code lean-rounds}): its release releases what is QUEUED
   * and leaves a SENT sendout SENT, saying so; a sendout not SENT moves to SENDING as ever, and
   * {@code markSending} records one SENT that is sending again.
   */
  @Test
  void aReleaseThatKeepsSentReleasesTheQueuedAndLeavesASentSendoutSent() {
    UUID id = sendouts.create(emailSendout(2)).sendout().id();
    String sendoutId = id.toString();
    sendouts.markSent(id); // as if its first messages had gone out, with these two added since

    Released kept = store.release(new ReleaseSendout(sendoutId, true, null));

    assertThat(kept.keptSent()).isTrue();
    assertThat(kept.messageCount()).isEqualTo(2);
    assertThat(sendouts.countByStatus(id)).containsEntry(MessageStatus.RELEASED, 2);
    assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.SENT);

    store.markSending(new MarkSending(sendoutId));
    assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.SENDING);
    assertThat(store.release(new ReleaseSendout(sendoutId, true, null)).keptSent()).isFalse();
    assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.SENDING);

    sendouts.markSent(id);
    assertThat(store.release(new ReleaseSendout(sendoutId)).keptSent()).isFalse();
    assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.SENDING);
  }

  /**
   * A round of added recipients releases only the ranges its workflow plans: an addition stored
   * since, whose range has not reached the workflow yet, was released too and then sent by no batch
   * when its range came as the sendout completed (a hostile sweep).
   */
  @Test
  void aReleaseOfAddedRangesLeavesTheMessagesOutsideThemQueued() {
    UUID id = sendouts.create(emailSendout(5)).sendout().id();
    String sendoutId = id.toString();

    store.release(new ReleaseSendout(sendoutId, false, List.of(new SeqRange(1, 3))));

    assertThat(sendouts.countByStatus(id))
        .containsEntry(MessageStatus.RELEASED, 2)
        .containsEntry(MessageStatus.QUEUED, 3);
    store.release(new ReleaseSendout(sendoutId, false, List.of()));
    assertThat(sendouts.countByStatus(id)).containsEntry(MessageStatus.QUEUED, 3);
    store.release(
        new ReleaseSendout(sendoutId, false, List.of(new SeqRange(0, 1), new SeqRange(4, 5))));
    assertThat(sendouts.countByStatus(id))
        .containsEntry(MessageStatus.RELEASED, 4)
        .containsEntry(MessageStatus.QUEUED, 1);
    store.release(new ReleaseSendout(sendoutId));
    assertThat(sendouts.countByStatus(id)).containsEntry(MessageStatus.RELEASED, 5);
  }

  /**
   * A completion asked to answer QUEUED messages answers their ranges, and those of messages
   * released that no call took, then how many are in flight, and completes nothing; once none is
   * left it completes the sendout and answers where all its messages stand.
   */
  @Test
  void aCompletionAnswersQueuedRangesOrTheWholeSendoutsCounts() {
    UUID id = sendouts.create(emailSendout(3)).sendout().id();
    String sendoutId = id.toString();
    store.release(new ReleaseSendout(sendoutId, false, List.of(new SeqRange(0, 2))));

    var notYet = store.markCompleted(new MarkCompleted(sendoutId, DeliveryTally.NONE, true));
    assertThat(notYet.queued()).containsExactly(new SeqRange(2, 3));
    assertThat(notYet.unsent()).containsExactly(new SeqRange(0, 2));
    assertThat(notYet.messages()).isNull();
    assertThat(sendouts.find(id).orElseThrow().completedAt()).isNull();

    store.release(new ReleaseSendout(sendoutId, false, List.of(new SeqRange(2, 3))));
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.ACCEPTED)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .execute();
    var inFlight = store.markCompleted(new MarkCompleted(sendoutId, DeliveryTally.NONE, true));
    assertThat(inFlight.inFlight()).isEqualTo(3);
    assertThat(inFlight.messages()).isNull();

    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.DELIVERED)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .execute();
    var done = store.markCompleted(new MarkCompleted(sendoutId, DeliveryTally.NONE, true));
    assertThat(done.queued()).isEmpty();
    assertThat(done.messages()).isEqualTo(new DeliveryTally(0, 3, 0, 0, 0, 0));
    assertThat(done.messageCount()).isEqualTo(3);
    assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.COMPLETED);
  }

  @Test
  void anActionWhoseNotePostgresRefusesFailsForGoodInsteadOfRetryingForever() {
    UUID id = sendouts.create(emailSendout(2)).sendout().id();
    var poisoned =
        new ApplyAction(
            id.toString(),
            "pause-1",
            SupportActionType.PAUSE,
            new SupportAction("ann", "bad\u0000note"),
            10);

    assertThatThrownBy(() -> store.applyAction(poisoned))
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getType()).isEqualTo(StoreCalls.DATA_REFUSED);
              assertThat(failure.isNonRetryable()).isTrue();
              assertThat(failure.getOriginalMessage()).startsWith("SQLState 22021");
            });
    var fine =
        new ApplyAction(
            id.toString(), "pause-2", SupportActionType.PAUSE, new SupportAction("ann", "ok"), 10);
    assertThat(store.applyAction(fine).messages()).isZero();
  }
}
