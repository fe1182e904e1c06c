package dev.sendout.core.support;

import dev.sendout.core.sendout.NewSendout.Recipient;
import dev.sendout.core.store.StoreErrors;
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
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Stores concurrent additions together. Every addition takes its sendout's row lock for its
 * sequence numbers, and a transaction and commit, so callers adding one recipient at a time would
 * otherwise queue for that lock one transaction each (into one sendout), or pay a commit and a
 * handful of statements each (spread over many: half of Postgres's CPU over 100 sendouts), and the
 * commits, not the work, would bound them. Here the first caller stores its addition while the
 * others queue theirs in memory; the next one to get the turn stores everything queued meanwhile in
 * one transaction, and each caller gets its own result. Nothing is answered before it is committed,
 * so this changes the cost of an addition, not its durability.
 *
 * <p>Small additions queue first in their tenant's lane, whose group may span many sendouts ({@link
 * RecipientAdditions#addAll(String, List)}), and which waits for no sendout's row: a sendout whose
 * row another transaction holds (an upload streaming into it, the workflow releasing its last
 * round) is skipped. Its additions then queue in that sendout's own lane, whose groups wait for the
 * row ({@link RecipientAdditions#addAll(String, UUID, List)}), as do later additions to that
 * sendout while any queue there, and additions of more than a hundred recipients; so a lock held
 * for long holds up only the additions to its own sendout, and those still share their
 * transactions.
 *
 * <p>Waiting callers block, costing no CPU, until the caller whose turn it is has stored their
 * addition or passes the turn on to the longest waiting one. A group's transaction first takes a
 * place among the database writes ({@link WriteAdmission}); when none frees up in time, every
 * addition of the group is refused with the reason, and nothing of it is stored.
 *
 * <p>When a group fails on one addition's data (an {@code externalId} taken, a value the database
 * refuses), a tenant's group has its additions queue in their sendouts' lanes, and a sendout's
 * group stores each of its additions again on its own, so that one addition's failure is not
 * another's. Any other failure (the database away) fails the whole group, whose callers retry.
 */
@Component
public class CombinedAdditions {

  /** At most this many additions share one transaction; the rest wait for the next turn. */
  static final int MAX_PER_TRANSACTION = 500;

  /**
   * A tenant's group holds the rows of all its sendouts until its COPY is done, so it takes small
   * additions, this many recipients in all at most: a large addition goes to its sendout's lane, so
   * that other sendouts' releases and cancels do not wait for its COPY.
   */
  static final int MAX_RECIPIENTS_PER_TENANT_GROUP = 1000;

  /** The largest addition a tenant's lane takes; a larger one goes to its sendout's lane. */
  static final int MAX_RECIPIENTS_IN_TENANT_LANE = 100;

  /** A waiting caller checks its turn this often even if no one wakes it; a guard, not a poll. */
  private static final Duration WAKE_GUARD = Duration.ofMillis(100);

  private final RecipientAdditions additions;
  private final WriteAdmission admission;
  private final ConcurrentHashMap<String, Lane> tenantLanes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<SendoutKey, Lane> sendoutLanes = new ConcurrentHashMap<>();
  private final Timer groupTime;
  private final DistributionSummary groupSize;

  private record SendoutKey(String tenantId, UUID sendoutId) {}

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
    var key = new SendoutKey(tenantId, sendoutId);
    // While the sendout's own lane has additions queued, its row is busy: this one joins them.
    if (recipients.size() <= MAX_RECIPIENTS_IN_TENANT_LANE && !sendoutLanes.containsKey(key)) {
      var inTenantLane = new Waiting(sendoutId, idempotencyKey, recipients, requestHash, actor);
      Optional<Addition> stored =
          inLane(tenantLanes, tenantId, inTenantLane, lane -> storeGroup(tenantId, lane));
      if (stored.isPresent()) {
        return stored.get();
      }
    }
    var inOwnLane = new Waiting(sendoutId, idempotencyKey, recipients, requestHash, actor);
    return inLane(sendoutLanes, key, inOwnLane, lane -> storeOwn(key, lane)).orElseThrow();
  }

  /**
   * Queues the addition in the lane of {@code key} and waits until it is stored (by this caller,
   * when its turn comes, or by another); empty when it is to queue in its sendout's lane instead.
   */
  private <K> Optional<Addition> inLane(
      Map<K, Lane> lanes, K key, Waiting waiting, Consumer<Lane> store) {
    Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
    lane.queue.add(waiting);
    try {
      while (!waiting.result.isDone()) {
        if (lane.turn.tryLock()) {
          try {
            store.accept(lane);
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

  /**
   * Stores what is queued in the tenant's lane, in order, grouped by sendout; called with the
   * lane's turn held. The additions of a sendout whose row the transaction did not take, or of a
   * group that failed, go on to their sendouts' lanes.
   */
  private void storeGroup(String tenantId, Lane lane) {
    List<Waiting> taken = take(lane, MAX_RECIPIENTS_PER_TENANT_GROUP);
    if (taken.isEmpty()) {
      return;
    }
    Map<UUID, List<Waiting>> bySendout = new LinkedHashMap<>();
    taken.forEach(w -> bySendout.computeIfAbsent(w.sendoutId(), id -> new ArrayList<>()).add(w));
    List<ToSendout> group =
        bySendout.entrySet().stream()
            .map(sendout -> new ToSendout(sendout.getKey(), requests(sendout.getValue())))
            .toList();
    try {
      List<List<Addition>> results =
          inTransaction(taken.size(), () -> additions.addAll(tenantId, group));
      int s = 0;
      for (List<Waiting> waiting : bySendout.values()) {
        List<Addition> stored = results.get(s++);
        for (int i = 0; i < waiting.size(); i++) {
          waiting.get(i).complete(stored == null ? null : stored.get(i));
        }
      }
    } catch (WriteRefused refused) {
      taken.forEach(waiting -> waiting.fail(refused.reason()));
    } catch (RuntimeException failed) {
      if (taken.size() > 1 && oneAdditionMayBeTheCause(failed)) {
        taken.forEach(waiting -> waiting.complete(null));
      } else {
        taken.forEach(waiting -> waiting.fail(failed));
      }
    } finally {
      failUnanswered(taken);
    }
  }

  /** Stores what is queued in one sendout's lane, in order; called with the lane's turn held. */
  private void storeOwn(SendoutKey key, Lane lane) {
    List<Waiting> group = take(lane, Integer.MAX_VALUE);
    if (group.isEmpty()) {
      return;
    }
    try {
      List<Addition> results =
          inTransaction(
              group.size(),
              () -> additions.addAll(key.tenantId(), key.sendoutId(), requests(group)));
      for (int i = 0; i < group.size(); i++) {
        group.get(i).complete(results.get(i));
      }
    } catch (WriteRefused refused) {
      group.forEach(waiting -> waiting.fail(refused.reason()));
    } catch (RuntimeException failed) {
      if (group.size() == 1 || !oneAdditionMayBeTheCause(failed)) {
        group.forEach(waiting -> waiting.fail(failed));
        return;
      }
      for (Waiting alone : group) {
        try {
          alone.complete(
              inTransaction(
                  1,
                  () ->
                      additions
                          .addAll(key.tenantId(), key.sendoutId(), List.of(alone.request()))
                          .get(0)));
        } catch (WriteRefused refused) {
          alone.fail(refused.reason());
        } catch (RuntimeException e) {
          alone.fail(e);
        }
      }
    } finally {
      failUnanswered(group);
    }
  }

  /**
   * Whether a group's failure may be one addition's: a value the database refuses, or an {@code
   * externalId} taken. Then the others are stored apart from it. Anything else (the database away,
   * its pool exhausted) would fail them all again, so it fails the group, and its callers retry.
   */
  private static boolean oneAdditionMayBeTheCause(RuntimeException failed) {
    return failed instanceof DuplicateExternalIdException || StoreErrors.isDataError(failed);
  }

  /**
   * Fails whatever a turn took and did not answer: only an {@link Error} gets here, and without it
   * their callers would wait forever, each holding a place among the waiting additions.
   */
  private static void failUnanswered(List<Waiting> taken) {
    for (Waiting waiting : taken) {
      if (!waiting.result.isDone()) {
        waiting.fail(
            new IllegalStateException("The addition's group broke off before it was stored"));
      }
    }
  }

  /** A group's transaction, in a place among the writes, timed and counted. */
  private <T> T inTransaction(int size, Supplier<T> transaction) {
    groupSize.record(size);
    Timer.Sample started = Timer.start();
    T result = admission.write(transaction);
    started.stop(groupTime);
    return result;
  }

  /** What is queued, in order, up to a group's bounds: at least one addition, if any waits. */
  private static List<Waiting> take(Lane lane, int maxRecipients) {
    List<Waiting> group = new ArrayList<>();
    int recipients = 0;
    for (Waiting next; group.size() < MAX_PER_TRANSACTION && (next = lane.queue.peek()) != null; ) {
      recipients += next.recipients().size();
      if (!group.isEmpty() && recipients > maxRecipients) {
        break;
      }
      // Only the turn's holder takes from the queue: what it peeked is what it polls.
      group.add(lane.queue.poll());
    }
    return group;
  }

  private static List<Request> requests(List<Waiting> group) {
    return group.stream().map(Waiting::request).toList();
  }

  /** The additions waiting to be stored together, and whose turn it is to store them. */
  private static final class Lane {
    final ConcurrentLinkedQueue<Waiting> queue = new ConcurrentLinkedQueue<>();
    final ReentrantLock turn = new ReentrantLock();
  }

  /**
   * An addition waiting for its turn in a lane; its result is empty when it is to queue in its
   * sendout's lane instead.
   */
  private record Waiting(
      UUID sendoutId,
      String idempotencyKey,
      List<Recipient> recipients,
      String requestHash,
      String actor,
      CompletableFuture<Optional<Addition>> result,
      Semaphore wake) {

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
          new Semaphore(0));
    }

    /** Stored, or, when null, to queue in its sendout's lane. */
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
