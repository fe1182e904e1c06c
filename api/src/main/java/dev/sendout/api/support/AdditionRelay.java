package dev.sendout.api.support;

import dev.sendout.core.config.OccasionalWarning;
import dev.sendout.core.sendout.SendoutStarter;
import dev.sendout.core.store.StoreErrors;
import dev.sendout.core.support.AdditionHandoffs;
import dev.sendout.core.support.AdditionHandoffs.Pending;
import dev.sendout.core.support.RecipientAdditions;
import dev.sendout.core.temporal.TemporalDeadline;
import dev.sendout.workflows.sendout.AddedRanges;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.SeqRange;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands recipients added through the API to their sendouts' workflows, after the caller has had its
 * 202. An addition is answered once its messages are stored; this relay then tells each workflow,
 * with one {@code recipientsAdded} signal per sendout per round, of every range stored since the
 * last round. So the API's latency never depends on Temporal's, additions to one sendout do not
 * queue behind one another's round trips, and a Temporal outage only delays the hand-off: the
 * stored additions stay pending and are handed over once it is back.
 *
 * <p>Several api instances can relay at once: each locks the additions it hands over and skips
 * those another holds.
 */
@Component
public class AdditionRelay {

  private static final Logger log = LoggerFactory.getLogger(AdditionRelay.class);

  /**
   * Additions handed over per transaction; a longer backlog takes several in one round. It is also
   * the most one sendout is told of per gap, because a sendout told in one transaction waits out
   * the gap in the next: at 1,000 the relay capped additions into one sendout at about 1,000 a
   * second, and eight callers adding 1,100–1,370 a second built a backlog that held every later
   * release back by half a minute (docs/benchmarks.md).
   */
  static final int BATCH = 10_000;

  private final AdditionHandoffs handoffs;
  private final RecipientAdditions additions;
  private final WorkflowClient temporal;
  private final TransactionTemplate transaction;
  private final SendoutStarter starter;

  /** How long new additions wait for the workflow to release the last hand-off, at most. */
  static final Duration WAIT_FOR_RELEASE = Duration.ofSeconds(10);

  /**
   * A sendout is told of new additions at most once per this gap ({@code
   * sendout.api.addition-relay-gap}), however often they come: each hand-off costs its workflow a
   * signal, a workflow task, a release and a send, so a sendout taking additions all the time is
   * told of a second's worth at once rather than five rounds' worth one by one. A sendout told
   * nothing for longer is told at the next round.
   */
  private final long gapNanos;

  /** How long one hand-off's signal may take. */
  static final Duration SIGNAL_DEADLINE = Duration.ofSeconds(5);

  /** Hand-offs Temporal did not take, logged once per {@link OccasionalWarning#GAP}. */
  private final OccasionalWarning failures = new OccasionalWarning(log);

  /** Rounds that could not reach the database, logged once per {@link OccasionalWarning#GAP}. */
  private final OccasionalWarning databaseDown = new OccasionalWarning(log);

  /** The last message this relay handed to each sendout lately, and when. */
  private record HandOver(int lastSeq, long atNanos) {}

  private final Map<UUID, HandOver> lastHandedOver = new ConcurrentHashMap<>();

  /** Signals sent at once; a round's sendouts beyond it wait for a free one. */
  private final ExecutorService signalling =
      Executors.newFixedThreadPool(
          8,
          runnable -> {
            Thread thread = new Thread(runnable, "addition-relay");
            thread.setDaemon(true);
            return thread;
          });

  public AdditionRelay(
      AdditionHandoffs handoffs,
      RecipientAdditions additions,
      WorkflowClient temporal,
      TransactionTemplate transaction,
      SendoutStarter starter,
      @Value("${sendout.api.addition-relay-gap:1s}") Duration gap) {
    if (gap.isNegative() || gap.compareTo(WAIT_FOR_RELEASE) >= 0) {
      throw new IllegalStateException(
          "sendout.api.addition-relay-gap is %s: it must be at least 0 and under %s"
              .formatted(gap, WAIT_FOR_RELEASE));
    }
    this.gapNanos = gap.toNanos();
    this.handoffs = handoffs;
    this.additions = additions;
    this.temporal = temporal;
    this.transaction = transaction;
    this.starter = starter;
  }

  /** Every {@code sendout.api.addition-relay-interval} (200 ms): hands over what is pending. */
  @Scheduled(fixedDelayString = "${sendout.api.addition-relay-interval:200ms}")
  public void relay() {
    Integer handed;
    try {
      do {
        handed = transaction.execute(status -> handOverLocked());
        databaseDown.recovered("The additions to hand over are read again");
      } while (handed != null && handed >= BATCH);
    } catch (RuntimeException e) {
      if (!StoreErrors.isUnreachable(e)) {
        throw e;
      }
      // The additions stay pending in the database, for the next round that reaches it.
      databaseDown.warn(
          () -> "Could not read the additions to hand over now: " + StoreErrors.reason(e));
    }
  }

  private int handOverLocked() {
    List<Pending> pending = handoffs.lockPending(BATCH, waiting());
    // One signal per sendout, sent side by side: a round that spans many sendouts costs one round
    // trip, not one per sendout in turn.
    List<CompletableFuture<RuntimeException>> told =
        pending.stream()
            .map(p -> CompletableFuture.supplyAsync(() -> tell(p), signalling))
            .toList();
    int handed = 0;
    int failed = 0;
    RuntimeException firstFailure = null;
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      RuntimeException failure = told.get(i).join();
      if (failure == null) {
        handoffs.markHandedOver(p.sendoutId(), p.keys());
        if (!p.untilSend().isZero()) {
          handoffs.markToldAhead(p.sendoutId());
        }
        int last = p.ranges().get(p.ranges().size() - 1).toSeq() - 1;
        lastHandedOver.put(p.sendoutId(), new HandOver(last, System.nanoTime()));
        handed += p.keys().size();
      } else {
        failed++;
        firstFailure = firstFailure == null ? failure : firstFailure;
      }
    }
    if (failed > 0) {
      // Temporal unreachable or slow, or a workflow stopped until the watchdog restarts it: the
      // additions stay pending for the next round, five rounds a second.
      int sendouts = failed;
      RuntimeException first = firstFailure;
      failures.warn(
          () -> "Could not hand additions to %d sendouts now: %s".formatted(sendouts, first));
    } else if (handed > 0) {
      failures.recovered("Additions are handed over again");
    }
    return handed;
  }

  /**
   * The sendouts whose new additions wait for a later round, and then go over together: those told
   * less than the gap ago, and those whose workflow has not yet released what this relay last
   * handed it. A workflow that takes a while per hand-off (many sendouts at once, a busy machine)
   * is so told less often, of more at a time, instead of being sent a signal, and doing a release
   * and a batch, per round. Past {@link #WAIT_FOR_RELEASE} the relay hands over regardless; the
   * watchdog heals what was lost.
   *
   * <p>They are left out of the round's query, so that a sendout with a backlog larger than a round
   * does not fill it and hold every other sendout back (with the oldest additions first, it held a
   * hundred others back by up to 30 s).
   */
  private Set<UUID> waiting() {
    long now = System.nanoTime();
    lastHandedOver.values().removeIf(h -> now - h.atNanos() > WAIT_FOR_RELEASE.toNanos());
    Set<UUID> waiting = new HashSet<>();
    Map<UUID, Integer> awaited = new HashMap<>();
    lastHandedOver.forEach(
        (id, last) -> {
          if (now - last.atNanos() < gapNanos) {
            waiting.add(id);
          } else {
            awaited.put(id, last.lastSeq());
          }
        });
    if (!awaited.isEmpty()) {
      Set<UUID> unreleased = handoffs.stillQueued(awaited);
      waiting.addAll(unreleased);
      // Released, and past the gap: nothing left to wait for, nor to check again.
      awaited.keySet().removeAll(unreleased);
      lastHandedOver.keySet().removeAll(awaited.keySet());
    }
    return waiting;
  }

  /**
   * Signals the sendout, or settles its additions if its workflow has closed; returns the failure
   * that leaves them pending, or null.
   */
  private RuntimeException tell(Pending pending) {
    try {
      signal(pending);
    } catch (WorkflowNotFoundException closed) {
      return afterClose(pending, closed);
    } catch (RuntimeException e) {
      return e;
    }
    return null;
  }

  /**
   * The workflow closed between the addition's commit and its hand-off. A sendout that completed
   * takes them in a new run: they were answered 202, and nothing stops them being sent. A sendout
   * cancelled, or whose survey closed, cancels them with the reason. One whose workflow stopped
   * unfinished keeps them pending for the run the watchdog starts from its record.
   */
  private RuntimeException afterClose(Pending pending, WorkflowNotFoundException closed) {
    SendoutStarter.LateAddition late;
    try {
      late = starter.reopenForAdded(pending.sendoutId(), pending.ranges());
    } catch (RuntimeException e) {
      return e;
    }
    switch (late) {
      case REOPENED ->
          log.info(
              "Sendout {} completed before {} added messages reached it: reopened to send them",
              pending.sendoutId(),
              pending.ranges().stream().mapToInt(SeqRange::size).sum());
      case AWAITING_RESTART -> {
        return closed;
      }
      case NEVER_SENT -> cancelTooLate(pending);
    }
    return null;
  }

  private void signal(Pending pending) {
    // A Temporal that does not answer fails the hand-off, which the next round makes again, rather
    // than hold the round's locks, and the process's shutdown, through the SDK's minute of retries.
    TemporalDeadline.within(
        SIGNAL_DEADLINE,
        () ->
            temporal
                .newUntypedWorkflowStub(SendoutWorkflow.workflowId(pending.sendoutId().toString()))
                .signal(
                    SendoutWorkflow.RECIPIENTS_ADDED, new AddedRanges(pending.ranges(), false)));
  }

  /**
   * The sendout was cancelled or closed between the addition's commit and its hand-off: its
   * messages can never be sent, so they are cancelled with the reason rather than left QUEUED.
   */
  private void cancelTooLate(Pending pending) {
    List<SeqRange> ranges = pending.ranges();
    int cancelled =
        ranges.stream().mapToInt(r -> additions.cancelUnsent(pending.sendoutId(), r)).sum();
    if (cancelled == 0) {
      return; // cancelled already, by the sendout's own cancel or close
    }
    log.warn(
        "Sendout {} was cancelled or closed before {} added messages reached it: CANCELLED",
        pending.sendoutId(),
        cancelled);
  }
}
