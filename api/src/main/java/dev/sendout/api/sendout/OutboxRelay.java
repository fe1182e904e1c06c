package dev.sendout.api.sendout;

import dev.sendout.core.config.OccasionalWarning;
import dev.sendout.core.sendout.SendoutStarter;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.core.store.StoreErrors;
import dev.sendout.core.temporal.GrpcStatus;
import dev.sendout.core.temporal.TemporalDeadline;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gets every stored sendout's workflow started, whatever Temporal was doing when the sendout was
 * accepted. The API only stores the sendout and asks for a start in the background ({@link
 * #nudge}); the scheduled {@link #relay} retries whatever has not been started yet. A sendout
 * accepted with 202 is therefore started as soon as Temporal can be reached, and the API's latency
 * never depends on Temporal's.
 *
 * <p>Nothing here holds a row lock across a Temporal call: a started workflow's first step, the
 * Release, locks its sendout's row, and under a load of one-recipient sendouts it spent more time
 * waiting for relays that had locked a hundred sendouts and started them one by one than the whole
 * store spent on anything else (docs/benchmarks.md). Starting is idempotent (the workflow id is the
 * sendout id), so a nudge and a relay, or the relays of several api instances, that start the same
 * sendout cost a call and nothing else; the relay leaves a sendout to its nudge for {@link
 * #NUDGE_GRACE} to make that rare.
 */
@Component
public class OutboxRelay implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /** Rounds that could not reach the database, logged once per {@link OccasionalWarning#GAP}. */
  private final OccasionalWarning databaseDown = new OccasionalWarning(log);

  /**
   * Creates whose immediate start failed for an outage (Temporal's or the database's), logged once
   * per {@link OccasionalWarning#GAP}: during one every create meets it (one line per request, an
   * ops check found). Any other failure is logged each time.
   */
  private final OccasionalWarning startsFailing = new OccasionalWarning(log);

  private static final int RELAY_BATCH = 100;
  private static final Duration NUDGE_GRACE = Duration.ofSeconds(1);

  /**
   * How long one start may take: a Temporal that does not answer stops the round at the first start
   * instead of the SDK's minute of retries, which held the api's shutdown for its whole 30 s.
   */
  private static final Duration START_DEADLINE = Duration.ofSeconds(5);

  private final SendoutStore sendouts;
  private final SendoutStarter starter;
  private final Clock clock;

  /** Bounded: when it is full the nudge is dropped and the scheduled relay picks the sendout up. */
  private final ThreadPoolExecutor nudges =
      new ThreadPoolExecutor(
          2,
          2,
          1,
          TimeUnit.MINUTES,
          new ArrayBlockingQueue<>(1000),
          r -> {
            Thread t = new Thread(r, "outbox-nudge");
            t.setDaemon(true);
            return t;
          });

  public OutboxRelay(SendoutStore sendouts, SendoutStarter starter, Clock clock) {
    this.sendouts = sendouts;
    this.starter = starter;
    this.clock = clock;
  }

  /** Starts the sendout's workflow soon, without making the caller wait for Temporal. */
  public void nudge(UUID sendoutId) {
    try {
      nudges.execute(() -> startOne(sendoutId));
    } catch (RejectedExecutionException busy) {
      log.debug("Nudge queue full; the relay will start sendout {}", sendoutId);
    }
  }

  /**
   * Every {@code sendout.api.relay-interval} (2 s): starts what is still unstarted, oldest first. A
   * call Temporal did not take (unreachable, busy) stops the round: the next ones would meet the
   * same. Any other failure is that sendout's own, and is not to hold up the ones after it: they
   * are started, and it is tried again next round (the pages after this one wait for that round, so
   * that a page of such sendouts is not read again and again).
   */
  @Scheduled(fixedDelayString = "${sendout.api.relay-interval:2s}")
  public void relay() {
    try {
      relayUnstarted();
    } catch (RuntimeException e) {
      if (!StoreErrors.isUnreachable(e)) {
        throw e;
      }
      // The unstarted sendouts stay in the database, for the next round that reaches it.
      databaseDown.warn(
          () -> "The outbox relay could not reach the database: " + StoreErrors.reason(e));
    }
  }

  private void relayUnstarted() {
    List<StoredSendout> unstarted;
    boolean failed = false;
    do {
      unstarted = sendouts.unstarted(RELAY_BATCH, clock.instant().minus(NUDGE_GRACE));
      databaseDown.recovered("The outbox relay reaches the database again");
      for (StoredSendout s : unstarted) {
        try {
          startAndRecord(s);
        } catch (RuntimeException e) {
          if (GrpcStatus.codeOf(e) != null) {
            log.warn("Relay could not start sendout {}; will retry: {}", s.id(), e.toString());
            return;
          }
          if (StoreErrors.isUnreachable(e)) {
            throw e; // the next ones would meet the same
          }
          log.error("Relay could not start sendout {}; will retry: {}", s.id(), e.toString(), e);
          failed = true;
        }
      }
    } while (!failed && unstarted.size() == RELAY_BATCH);
  }

  private void startOne(UUID sendoutId) {
    try {
      sendouts
          .find(sendoutId)
          .ifPresent(
              s -> {
                if (s.workflowStartedAt() == null) {
                  startAndRecord(s);
                }
              });
      startsFailing.recovered("New sendouts start at once again");
    } catch (RuntimeException e) {
      String failed =
          "Could not start sendout %s now; the relay will retry: %s".formatted(sendoutId, e);
      if (GrpcStatus.codeOf(e) != null || StoreErrors.isUnreachable(e)) {
        startsFailing.warn(() -> failed);
      } else {
        log.warn(failed);
      }
    }
  }

  private void startAndRecord(StoredSendout sendout) {
    TemporalDeadline.within(START_DEADLINE, () -> starter.start(sendout));
    sendouts.markWorkflowStarted(sendout.id());
  }

  @Override
  public void destroy() {
    nudges.shutdown();
  }
}
