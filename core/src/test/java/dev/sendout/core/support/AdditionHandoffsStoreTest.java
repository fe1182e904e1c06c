package dev.sendout.core.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.support.RecipientAdditions.RecipientSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class AdditionHandoffsStoreTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired RecipientAdditions additions;
  @Autowired AdditionHandoffs handoffs;

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
