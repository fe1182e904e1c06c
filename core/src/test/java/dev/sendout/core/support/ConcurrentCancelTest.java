package dev.sendout.core.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SendoutActivities.ApplyAction;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SupportAction;
import dev.sendout.workflows.sendout.SupportActionType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Cancelling scheduled sendouts while everything else that writes a sendout and its messages runs
 * at the same moment: other cancels of the same sendout (Updates run concurrently in a workflow)
 * and the release (which a workflow started before the cancel-after-store-write version runs as
 * soon as a cancel wakes it). A hostile run saw 13 "deadlock detected" in about 22 cancels, each
 * costing a retry a second later; the store must serialise these, not deadlock.
 */
class ConcurrentCancelTest extends StoreTest {

  private static final int SENDOUTS = 22;
  private static final int RECIPIENTS = 50;

  @Autowired SendoutStore sendouts;
  @Autowired SupportActionStore actions;
  @Autowired MessageReads messages;

  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void stopThePool() {
    pool.shutdownNow();
  }

  private void cancel(UUID id, String actionId) {
    actions.apply(
        new ApplyAction(
            id.toString(),
            actionId,
            SupportActionType.CANCEL,
            new SupportAction("hostile", null),
            100));
  }

  @Test
  void cancelsRacingEachOtherAndTheReleaseNeverDeadlockAndCancelEveryMessage() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < SENDOUTS; i++) {
      UUID id = sendouts.create(emailSendout(RECIPIENTS)).sendout().id();
      ids.add(id);
      CyclicBarrier together = new CyclicBarrier(3);
      List<Future<?>> racing =
          List.of(
              pool.submit(() -> race(together, () -> cancel(id, "cancel-a"))),
              pool.submit(() -> race(together, () -> cancel(id, "cancel-b"))),
              pool.submit(() -> race(together, () -> sendouts.release(id))));
      for (Future<?> task : racing) {
        try {
          task.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add(e.getCause());
        }
      }
    }

    assertThat(failures).as("errors of %d racing cancels", SENDOUTS).isEmpty();
    for (UUID id : ids) {
      assertThat(sendouts.find(id).orElseThrow().status()).isEqualTo(SendoutStatus.CANCELLED);
      assertThat(messages.page(id, null, -1, RECIPIENTS))
          .extracting(StoredMessage::status)
          .containsOnly(MessageStatus.CANCELLED);
    }
  }

  @Test
  void aReleaseAfterTheCancelReleasesNothingAndRecordsNoRelease() {
    UUID id = sendouts.create(emailSendout(3)).sendout().id();

    cancel(id, "cancel-1");
    sendouts.release(id);

    StoredSendout after = sendouts.find(id).orElseThrow();
    assertThat(after.releasedAt()).isNull();
    assertThat(after.status()).isEqualTo(SendoutStatus.CANCELLED);
    assertThat(messages.page(id, MessageStatus.RELEASED, -1, 3)).isEmpty();
  }

  private static Void race(CyclicBarrier together, Runnable write) throws Exception {
    together.await(10, TimeUnit.SECONDS);
    write.run();
    return null;
  }
}
