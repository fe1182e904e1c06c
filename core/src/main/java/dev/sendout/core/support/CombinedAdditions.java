package dev.sendout.core.support;

import dev.sendout.core.sendout.NewSendout.Recipient;
import dev.sendout.core.support.RecipientAdditions.Addition;
import dev.sendout.core.support.RecipientAdditions.RecipientSource;
import dev.sendout.core.support.RecipientAdditions.Request;
import dev.sendout.core.support.RecipientAdditions.ToSendout;
import dev.sendout.core.support.WriteAdmission.WriteRefused;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Stores a tenant's concurrent additions together. Every addition takes its sendout's row lock for
 * its sequence numbers, and a transaction and its commit of its own, so callers adding one
 * recipient at a time would otherwise queue for that lock one transaction each (into one sendout),
 * or pay a commit and a handful of statements each (into many), and the commits, not the work,
 * would bound them. Here the first caller stores its addition while the others queue theirs in
 * memory; the next one to get the turn stores everything queued meanwhile, for however many of the
 * tenant's sendouts, in one transaction ({@link RecipientAdditions#addAll(String, List)}), and each
 * caller gets its own result. Nothing is answered before it is committed, so this changes the cost
 * of an addition, not its durability.
 *
 * <p>Waiting callers block, costing no CPU, until the caller whose turn it is has stored their
 * addition or passes the turn on to the longest waiting one. A group's transaction first takes a
 * place among the database writes ({@link WriteAdmission}); when none frees up in time, every
 * addition of the group is refused with the reason, and nothing of it is stored.
 *
 * <p>A caller stores its addition on its own, in a transaction of its own, when two groups'
 * transactions did not take its sendout's row because another transaction held it (an upload into
 * that sendout, say: the tenant's other additions do not wait for it), and when a group's
 * transaction fails (so that one addition's failure is not another's).
 */
@Component
public class CombinedAdditions {

  /** At most this many additions share one transaction; the rest wait for the next turn. */
  static final int MAX_PER_TRANSACTION = 500;

  /** A waiting caller checks its turn this often even if no one wakes it; a guard, not a poll. */
  private static final Duration WAKE_GUARD = Duration.ofMillis(100);

  private final RecipientAdditions additions;
  private final WriteAdmission admission;
  private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
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
   * Stores the recipients as one addition, together with whatever other additions of the same
   * tenant are waiting; returns once it is committed.
   */
  public Addition add(
      String tenantId,
      UUID sendoutId,
      String idempotencyKey,
      List<Recipient> recipients,
      String requestHash,
      String actor) {
    var waiting = new Waiting(sendoutId, idempotencyKey, recipients, requestHash, actor);
    Lane lane = lanes.computeIfAbsent(tenantId, k -> new Lane());
    lane.queue.add(waiting);
    Optional<Addition> stored;
    try {
      while (!waiting.result.isDone()) {
        if (lane.turn.tryLock()) {
          try {
            store(tenantId, lane);
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
      stored = waiting.result.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException cause
          ? cause
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while storing an addition", e);
    } finally {
      if (lane.queue.isEmpty()) {
        lanes.remove(tenantId, lane);
      }
    }
    return stored.orElseGet(() -> alone(tenantId, waiting));
  }

  /** Stores one addition in a transaction of its own, waiting for its sendout's row. */
  private Addition alone(String tenantId, Waiting waiting) {
    try {
      return admission.write(
          () -> additions.addAll(tenantId, waiting.sendoutId(), List.of(waiting.request())).get(0));
    } catch (WriteRefused refused) {
      throw refused.reason();
    }
  }

  /**
   * Stores what is queued in the lane, in order, grouped by sendout; called with the lane's turn
   * held. The additions of a sendout the transaction did not lock, or of a group that failed, are
   * handed back to their callers to store on their own.
   */
  private void store(String tenantId, Lane lane) {
    Map<UUID, List<Waiting>> bySendout = new LinkedHashMap<>();
    int size = 0;
    for (Waiting next = lane.queue.poll(); next != null; next = lane.queue.poll()) {
      bySendout.computeIfAbsent(next.sendoutId(), id -> new ArrayList<>()).add(next);
      if (++size == MAX_PER_TRANSACTION) {
        break;
      }
    }
    if (size == 0) {
      return;
    }
    groupSize.record(size);
    Timer.Sample started = Timer.start();
    List<ToSendout> group =
        bySendout.entrySet().stream()
            .map(
                sendout ->
                    new ToSendout(
                        sendout.getKey(),
                        sendout.getValue().stream().map(Waiting::request).toList()))
            .toList();
    try {
      List<List<Addition>> results = admission.write(() -> additions.addAll(tenantId, group));
      started.stop(groupTime);
      int s = 0;
      for (List<Waiting> waiting : bySendout.values()) {
        List<Addition> stored = results.get(s++);
        for (int i = 0; i < waiting.size(); i++) {
          Waiting w = waiting.get(i);
          if (stored != null) {
            w.complete(stored.get(i));
          } else if (w.skippedBefore().getAndSet(true)) {
            w.complete(null);
          } else {
            // Most such locks are a moment's (the workflow releasing the sendout's last round):
            // the next group likely takes the row.
            lane.queue.add(w);
          }
        }
      }
    } catch (WriteRefused refused) {
      bySendout.values().forEach(waiting -> waiting.forEach(w -> w.fail(refused.reason())));
    } catch (RuntimeException failed) {
      if (size == 1) {
        bySendout.values().forEach(waiting -> waiting.get(0).fail(failed));
        return;
      }
      bySendout.values().forEach(waiting -> waiting.forEach(w -> w.complete(null)));
    }
  }

  /** A tenant's additions waiting to be stored, and whose turn it is to store them. */
  private static final class Lane {
    final ConcurrentLinkedQueue<Waiting> queue = new ConcurrentLinkedQueue<>();
    final ReentrantLock turn = new ReentrantLock();
  }

  /**
   * An addition waiting for its turn; its result is empty when its caller is to store it on its
   * own. One whose sendout's row a group's transaction found held waits for the next group once,
   * then for its caller.
   */
  private record Waiting(
      UUID sendoutId,
      String idempotencyKey,
      List<Recipient> recipients,
      String requestHash,
      String actor,
      CompletableFuture<Optional<Addition>> result,
      Semaphore wake,
      AtomicBoolean skippedBefore) {

    Waiting(
        UUID sendoutId,
        String idempotencyKey,
        List<Recipient> recipients,
        String requestHash,
        String actor) {
      this(
          sendoutId,
          idempotencyKey,
          recipients,
          requestHash,
          actor,
          new CompletableFuture<>(),
          new Semaphore(0),
          new AtomicBoolean());
    }

    /** Stored, or, when null, to be stored by its caller on its own. */
    void complete(Addition addition) {
      result.complete(Optional.ofNullable(addition));
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
