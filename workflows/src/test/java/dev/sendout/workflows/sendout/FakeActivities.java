package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;

import dev.sendout.workflows.StoreCalls;
import dev.sendout.workflows.batch.DeliveryActivities;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.receipt.DeliveryTally;
import dev.sendout.workflows.receipt.ReceiptActivities;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

/** In-memory stand-ins for the store and the provider, recording what the workflows asked. */
final class FakeActivities {

  static final class Store implements SendoutActivities {
    private final LongSupplier workflowClock;
    volatile int messageCount;
    volatile Instant releasedAt;

    /** While set, the release fails as an activity whose database is gone would. */
    volatile boolean releaseFails;

    final List<ApplyAction> actions = new CopyOnWriteArrayList<>();

    /** What a resend finds to send again. */
    volatile List<SeqRange> resendable = List.of();

    final AtomicInteger releases = new AtomicInteger();

    /** How a release within delivery windows answers; set by tests of quiet hours. */
    volatile Function<ReleaseSendout, Released> inWindows;

    volatile SendTally sentTally;
    volatile DeliveryTally completedTally;

    Store(LongSupplier workflowClock, int messageCount) {
      this.workflowClock = workflowClock;
      this.messageCount = messageCount;
    }

    @Override
    public Released release(ReleaseSendout input) {
      releases.incrementAndGet();
      if (releaseFails) {
        throw new IllegalStateException("release failed (test)");
      }
      releasedAt = Instant.ofEpochMilli(workflowClock.getAsLong());
      if (input.releaseId() != null) {
        return inWindows.apply(input);
      }
      return new Released(messageCount);
    }

    @Override
    public void markSent(MarkSent input) {
      sentTally = input.tally();
    }

    @Override
    public void markCompleted(MarkCompleted input) {
      completedTally = input.tally();
    }

    @Override
    public ActionApplied applyAction(ApplyAction input) {
      String note = input.action().note();
      if (note != null && note.indexOf('\u0000') >= 0) {
        // As the real store activity answers a note that Postgres cannot hold.
        throw ApplicationFailure.newNonRetryableFailure(
            "invalid byte sequence for encoding \"UTF8\": 0x00", StoreCalls.DATA_REFUSED);
      }
      actions.add(input);
      if (input.type() == SupportActionType.RESEND) {
        List<SeqRange> ranges = resendable;
        return new ActionApplied(ranges.stream().mapToInt(SeqRange::size).sum(), ranges);
      }
      return new ActionApplied(0, List.of());
    }
  }

  /**
   * The provider and the receipts in the store: every message the delivery sends is accepted, and
   * then delivered at once unless the test made its recipient silent.
   */
  static final class Provider implements DeliveryActivities, ReceiptActivities {
    final List<SendBatch> batches = new CopyOnWriteArrayList<>();
    final Map<Integer, MessageStatus> messages = new ConcurrentHashMap<>();
    final Set<Integer> silent = ConcurrentHashMap.newKeySet();
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
      for (int seq = batch.fromSeq(); seq < batch.toSeq(); seq++) {
        messages.put(seq, silent.contains(seq) ? ACCEPTED : DELIVERED);
      }
      return new SendTally(batch.toSeq() - batch.fromSeq(), 0, 0);
    }

    /** A late receipt: the silent message is delivered after all. */
    void deliver(int seq) {
      messages.computeIfPresent(
          seq, (k, status) -> status.canMoveTo(DELIVERED) ? DELIVERED : status);
    }

    @Override
    public BatchReceipts checkReceipts(SendBatch batch) {
      int awaiting = 0;
      int delivered = 0;
      List<String> unconfirmed = new ArrayList<>();
      for (int seq = batch.fromSeq(); seq < batch.toSeq(); seq++) {
        switch (messages.get(seq)) {
          case ACCEPTED -> awaiting++;
          case DELIVERED -> delivered++;
          case UNCONFIRMED -> unconfirmed.add("m" + seq);
          default -> throw new IllegalStateException();
        }
      }
      return new BatchReceipts(
          new DeliveryTally(awaiting, delivered, 0, 0, 0, unconfirmed.size()),
          unconfirmed.isEmpty() ? null : Instant.EPOCH,
          unconfirmed);
    }

    @Override
    public BatchReceipts expireReceipts(ExpireReceipts input) {
      SendBatch batch = input.batch();
      for (int seq = batch.fromSeq(); seq < batch.toSeq(); seq++) {
        messages.computeIfPresent(seq, (k, status) -> status == ACCEPTED ? UNCONFIRMED : status);
      }
      return checkReceipts(batch);
    }
  }

  private FakeActivities() {}
}
