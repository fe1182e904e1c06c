package dev.sendout.core.support;

import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.support.RecipientAdditions.RecipientSource;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class AdditionHandoffsStoreTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired RecipientAdditions additions;
  @Autowired AdditionHandoffs handoffs;
  @Autowired DSLContext db;

  @Test
  void aSendoutIsBusyWhileTheLastMessageHandedToItIsStillQueued() {
    UUID waiting = sendouts.create(emailSendout(1)).sendout().id();
    UUID released = sendouts.create(emailSendout(1)).sendout().id();
    for (UUID id : List.of(waiting, released)) {
      sendouts.release(id);
      addOne(id, "k", "new@example.com");
    }
    sendouts.release(released);

    assertThat(handoffs.stillQueued(Map.of(waiting, 1, released, 1))).containsExactly(waiting);
    assertThat(handoffs.stillQueued(Map.of(waiting, 0))).as("released with the sendout").isEmpty();
  }

  @Test
  void theAdditionsHandedOverAreMarkedAndTheOthersStayPending() {
    UUID id = sendouts.create(emailSendout(1)).sendout().id();
    sendouts.markWorkflowStarted(id);
    for (String key : List.of("a", "b", "c")) {
      addOne(id, key, key + "@example.com");
    }
    List<AdditionHandoffs.Pending> pending =
        handoffs.lockPending(10, Set.of()).stream().filter(p -> p.sendoutId().equals(id)).toList();
    assertThat(pending).singleElement().satisfies(p -> assertThat(p.keys()).hasSize(3));

    assertThat(handoffs.lockPending(10, Set.of(id))).noneMatch(p -> p.sendoutId().equals(id));

    handoffs.markHandedOver(id, List.of("a", "c"));

    assertThat(handoffs.lockPending(10, Set.of()).stream().filter(p -> p.sendoutId().equals(id)))
        .singleElement()
        .satisfies(p -> assertThat(p.keys()).containsExactly("b"));
  }

  @Test
  void eachPendingSendoutSaysHowLongUntilItsSendTime() {
    UUID due = sendouts.create(emailSendout(1)).sendout().id();
    UUID tomorrow = sendouts.create(emailSendout(1)).sendout().id();
    db.update(SENDOUT)
        .set(SENDOUT.SEND_AT, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1))
        .where(SENDOUT.ID.eq(tomorrow))
        .execute();
    for (UUID id : List.of(due, tomorrow)) {
      sendouts.markWorkflowStarted(id);
      addOne(id, "k", "new@example.com");
    }

    Map<UUID, Duration> untilSend =
        handoffs.lockPending(100, Set.of()).stream()
            .collect(Collectors.toMap(AdditionHandoffs.Pending::sendoutId, p -> p.untilSend()));

    assertThat(untilSend.get(due)).isZero();
    assertThat(untilSend.get(tomorrow)).isBetween(Duration.ofHours(23), Duration.ofDays(1));
  }

  /**
   * A sendout's workflow does not continue as new before its send time, and the Temporal server
   * ends a workflow at 51,200 events: told before its send time, a sendout waits a 250th of the
   * time then left before it is told again, whichever api instance would tell it.
   */
  @Test
  void aSendoutToldBeforeItsSendTimeWaitsAShareOfTheTimeThenLeft() {
    UUID tomorrow = sendouts.create(emailSendout(1)).sendout().id();
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    db.update(SENDOUT)
        .set(SENDOUT.SEND_AT, now.plusDays(1))
        .where(SENDOUT.ID.eq(tomorrow))
        .execute();
    sendouts.markWorkflowStarted(tomorrow);
    addOne(tomorrow, "a", "a@example.com");

    handoffs.markToldAhead(tomorrow);
    addOne(tomorrow, "b", "b@example.com");

    assertThat(pendingOf(tomorrow)).as("held: a day's 250th is 5.8 minutes").isEmpty();
    db.update(SENDOUT)
        .set(SENDOUT.ADDITIONS_TOLD_AHEAD_AT, now.minusMinutes(6))
        .where(SENDOUT.ID.eq(tomorrow))
        .execute();
    assertThat(pendingOf(tomorrow)).hasSize(1);
    db.update(SENDOUT)
        .set(SENDOUT.ADDITIONS_TOLD_AHEAD_AT, now.minusDays(2))
        .set(SENDOUT.SEND_AT, now.minusMinutes(1))
        .where(SENDOUT.ID.eq(tomorrow))
        .execute();
    handoffs.markToldAhead(tomorrow);
    assertThat(pendingOf(tomorrow)).as("due: told at once").hasSize(1);
  }

  private List<AdditionHandoffs.Pending> pendingOf(UUID id) {
    return handoffs.lockPending(100, Set.of()).stream()
        .filter(p -> p.sendoutId().equals(id))
        .toList();
  }

  /** Adds one recipient to the sendout under the Idempotency-Key. */
  private void addOne(UUID sendoutId, String key, String email) {
    additions.add(
        "tenant-a",
        sendoutId,
        key,
        RecipientSource.of(List.of(new NewSendout.Recipient(email, null, Map.of())), "h"),
        "ann");
  }
}
