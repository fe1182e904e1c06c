package dev.sendout.workflows.sendout;

import dev.sendout.workflows.batch.DeliveryActivities;
import dev.sendout.workflows.batch.SendBatch;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/** In-memory stand-ins for the store and the provider, recording what the workflows asked. */
final class FakeActivities {

  static final class Store implements SendoutActivities {
    private final LongSupplier workflowClock;
    private final int messageCount;
    volatile Instant releasedAt;
    final AtomicInteger releases = new AtomicInteger();
    volatile SendTally sentTally;

    Store(LongSupplier workflowClock, int messageCount) {
      this.workflowClock = workflowClock;
      this.messageCount = messageCount;
    }

    @Override
    public Released release(ReleaseSendout input) {
      releases.incrementAndGet();
      releasedAt = Instant.ofEpochMilli(workflowClock.getAsLong());
      return new Released(messageCount);
    }

    @Override
    public void markSent(MarkSent input) {
      sentTally = input.tally();
    }
  }

  static final class Delivery implements DeliveryActivities {
    final List<SendBatch> batches = new CopyOnWriteArrayList<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();

    @Override
    public SendTally sendBatch(SendBatch batch) {
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.decrementAndGet();
      }
      batches.add(batch);
      return new SendTally(batch.toSeq() - batch.fromSeq(), 0, 0);
    }
  }

  private FakeActivities() {}
}
