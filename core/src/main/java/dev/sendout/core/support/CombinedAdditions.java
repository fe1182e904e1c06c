package dev.sendout.core.support;

import dev.sendout.core.sendout.NewSendout.Recipient;
import dev.sendout.core.support.RecipientAdditions.Addition;
import dev.sendout.core.support.RecipientAdditions.RecipientSource;
import dev.sendout.core.support.RecipientAdditions.Request;
import dev.sendout.core.support.WriteAdmission.WriteRefused;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Stores concurrent additions to one sendout together. Every addition takes the sendout's row lock
 * for its sequence numbers, so callers adding to the same sendout one recipient at a time would
 * otherwise queue for that lock one transaction each, and the commit, not the work, would bound
 * them. Here the first caller stores its addition while the others queue theirs in memory; the next
 * one to get the turn stores everything queued meanwhile in one transaction ({@link
 * RecipientAdditions#addAll}), and each caller gets its own result. Nothing is answered before it
 * is committed, so this changes the cost of an addition, not its durability.
 *
 * <p>Waiting callers block, costing no CPU, until the caller whose turn it is has stored their
 * addition or passes the turn on to the longest waiting one. A group's transaction first takes a
 * place among the database writes ({@link WriteAdmission}); when none frees up in time, every
 * addition of the group is refused with the reason, and nothing of it is stored.
 *
 * <p>When a combined transaction fails, each of its additions is stored again on its own, so that
 * one addition's failure is not another's.
 */
@Component
public class CombinedAdditions {

  /** At most this many additions share one transaction; the rest wait for the next turn. */
  static final int MAX_PER_TRANSACTION = 500;

  /** A waiting caller checks its turn this often even if no one wakes it; a guard, not a poll. */
  private static final Duration WAKE_GUARD = Duration.ofMillis(100);

  private final RecipientAdditions additions;
  private final WriteAdmission admission;
  private final ConcurrentHashMap<Lane.Key, Lane> lanes = new ConcurrentHashMap<>();
  private final Timer groupTime;
  private final DistributionSummary groupSize;

  public CombinedAdditions(
      RecipientAdditions additions,
      ObjectProvider<WriteAdmission> admission,
      ObjectProvider<MeterRegistry> meters) {
    this.additions = additions;
    this.admission = admission.getIfAvailable(() -> WriteAdmission.ALWAYS);
    MeterRegistry registry = meters.getIfAvailable(CompositeMeterRegistry::new);
    this.groupTime =
        Timer.builder("sendout.additions.group")
            .description(
                "How long storing one group of additions took, waiting for a write included")
            .publishPercentileHistogram()
            .register(registry);
    this.groupSize =
        DistributionSummary.builder("sendout.additions.group.size")
            .description("Additions stored together in one transaction")
            .register(registry);
  }

  /**
   * Stores the recipients as one addition, together with whatever other additions to the same
   * sendout are waiting; returns once it is committed.
   */
  public Addition add(
      String tenantId,
      UUID sendoutId,
      String idempotencyKey,
      List<Recipient> recipients,
      String requestHash,
      String actor) {
    var waiting = new Waiting(idempotencyKey, recipients, requestHash, actor);
    var key = new Lane.Key(tenantId, sendoutId);
    Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
    lane.queue.add(waiting);
    try {
      while (!waiting.result.isDone()) {
        if (lane.turn.tryLock()) {
          try {
            store(key, lane);
          } finally {
            lane.turn.unlock();
          }
          // Pass the turn on: the longest waiting caller stores what has queued meanwhile.
          Waiting next = lane.queue.peek();
          if (next != null) {
            next.wake.release();
          }
        } else {
          // Another caller's transaction is under way. Its caller wakes this one when it passes
          // the turn on or has stored this addition; the timeout only guards against a lost wake.
          waiting.wake.tryAcquire(WAKE_GUARD.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      return waiting.result.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException cause
          ? cause
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while storing an addition", e);
    } finally {
      if (lane.queue.isEmpty()) {
        lanes.remove(key, lane);
      }
    }
  }

  /** Stores what is queued in the lane, in order; called with the lane's turn held. */
  private void store(Lane.Key key, Lane lane) {
    List<Waiting> group = new ArrayList<>();
    for (Waiting next = lane.queue.poll(); next != null; next = lane.queue.poll()) {
      group.add(next);
      if (group.size() == MAX_PER_TRANSACTION) {
        break;
      }
    }
    if (group.isEmpty()) {
      return;
    }
    groupSize.record(group.size());
    Timer.Sample started = Timer.start();
    try {
      List<Addition> results =
          admission.write(
              () ->
                  additions.addAll(
                      key.tenantId(),
                      key.sendoutId(),
                      group.stream().map(Waiting::request).toList()));
      started.stop(groupTime);
      for (int i = 0; i < group.size(); i++) {
        group.get(i).complete(results.get(i));
      }
    } catch (WriteRefused refused) {
      group.forEach(waiting -> waiting.fail(refused.reason()));
    } catch (RuntimeException failed) {
      if (group.size() == 1) {
        group.get(0).fail(failed);
        return;
      }
      for (Waiting alone : group) {
        try {
          alone.complete(
              additions.addAll(key.tenantId(), key.sendoutId(), List.of(alone.request())).get(0));
        } catch (RuntimeException e) {
          alone.fail(e);
        }
      }
    }
  }

  /** The additions waiting to be stored in one sendout, and whose turn it is to store them. */
  private static final class Lane {
    record Key(String tenantId, UUID sendoutId) {}

    final ConcurrentLinkedQueue<Waiting> queue = new ConcurrentLinkedQueue<>();
    final ReentrantLock turn = new ReentrantLock();
  }

  private record Waiting(
      String idempotencyKey,
      List<Recipient> recipients,
      String requestHash,
      String actor,
      CompletableFuture<Addition> result,
      Semaphore wake) {

    Waiting(String idempotencyKey, List<Recipient> recipients, String requestHash, String actor) {
      this(
          idempotencyKey,
          recipients,
          requestHash,
          actor,
          new CompletableFuture<>(),
          new Semaphore(0));
    }

    void complete(Addition addition) {
      result.complete(addition);
      wake.release();
    }

    void fail(RuntimeException failure) {
      result.completeExceptionally(failure);
      wake.release();
    }

    /** A fresh source each time: a failed group's additions are read again, one by one. */
    Request request() {
      return new Request(idempotencyKey, RecipientSource.of(recipients, requestHash), actor);
    }
  }
}
