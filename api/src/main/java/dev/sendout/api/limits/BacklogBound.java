package dev.sendout.api.limits;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.sendout.SendBacklog;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sheds new work while the engine is far behind its sends. Whatever the API accepts beyond what the
 * workers deliver waits as a backlog, and draining it takes the machines, the database and the
 * providers from the work that comes after: an overload would outlast itself. Past {@code
 * sendout.api.limits.max-backlog} messages due and unsent, or past {@code
 * max-pending-workflow-work} sendouts not yet sent and additions not yet handed over (the
 * bottleneck of many small sendouts), creates and additions are answered 429 with Retry-After until
 * the backlog is back under it; reads, webhooks and support actions go on.
 *
 * <p>The pending workflow work's bound follows the pace of the workflows: it is what they sent in
 * the last {@link #PACE_WINDOW}, scaled to {@code pending-work-drain}, when that is more than
 * {@code max-pending-workflow-work}. A fixed number of sendouts is a different wait on every
 * machine (500 was 11 s on one that sent 46 one-recipient sendouts a second, and refused a tenth of
 * a steady 50 a second that it kept up with); the pace makes it the same wait on each. The fixed
 * bound stays the floor, for when the workflows send nothing (a Temporal outage) or have just
 * started.
 *
 * <p>The backlog is counted once a second by one query, never per request, and so are the pending
 * work and the pace. Every api instance counts the same database, so the bound holds for all of
 * them together.
 */
@Component
public class BacklogBound {

  private static final Logger log = LoggerFactory.getLogger(BacklogBound.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

  /** How far back the workflows' pace is measured: long enough to smooth a second's jitter. */
  public static final Duration PACE_WINDOW = Duration.ofSeconds(10);

  private final IntSupplier backlog;
  private final int max;
  private final IntSupplier pendingWork;
  private final IntSupplier sentInPaceWindow;
  private final int maxPendingWork;
  private final Duration drain;
  private volatile int behind;
  private volatile int pending;
  private volatile int pendingBound;

  @Autowired
  public BacklogBound(SendBacklog backlog, LimitProperties limits) {
    this(
        // Counted one past the bound: enough to tell whether it is over, and the count stops there.
        () -> backlog.count((int) Math.min(Integer.MAX_VALUE, limits.maxBacklog() + 1L)),
        limits.maxBacklog(),
        backlog::pendingWorkflowWork,
        () -> backlog.sentSince(OffsetDateTime.now(ZoneOffset.UTC).minus(PACE_WINDOW)),
        limits.maxPendingWorkflowWork(),
        limits.pendingWorkDrain());
  }

  BacklogBound(
      IntSupplier backlog,
      int max,
      IntSupplier pendingWork,
      IntSupplier sentInPaceWindow,
      int maxPendingWork,
      Duration drain) {
    this.backlog = backlog;
    this.max = max;
    this.pendingWork = pendingWork;
    this.sentInPaceWindow = sentInPaceWindow;
    this.maxPendingWork = maxPendingWork;
    this.drain = drain;
    this.pendingBound = maxPendingWork;
  }

  @Scheduled(fixedDelayString = "${sendout.api.limits.backlog-refresh:1s}")
  void refresh() {
    try {
      if (max > 0) {
        behind = backlog.getAsInt();
      }
      if (maxPendingWork > 0) {
        pending = pendingWork.getAsInt();
        long atPace = sentInPaceWindow.getAsInt() * drain.toMillis() / PACE_WINDOW.toMillis();
        pendingBound = (int) Math.min(Integer.MAX_VALUE, Math.max(maxPendingWork, atPace));
      }
    } catch (DataAccessException e) {
      // The last counts stand; a database that cannot answer fails the write anyway.
      log.debug("Could not count the backlog: {}", e.getMessage());
    }
  }

  /** Refuses new work with 429 while either last count is over its bound. */
  public void check() {
    if (max > 0 && behind > max) {
      throw new ApiProblem(
          ProblemType.OVERLOADED,
          "The engine is over its bound of %d messages behind its sends; retry shortly"
              .formatted(max),
          RETRY_AFTER);
    }
    int work = pending;
    int bound = pendingBound;
    if (maxPendingWork > 0 && work > bound) {
      throw new ApiProblem(
          ProblemType.OVERLOADED,
          ("The engine has %d sendouts and additions its workflows have not taken yet, over its"
                  + " bound of %d (what they send in %d s at their recent pace, at least %d);"
                  + " retry shortly")
              .formatted(work, bound, drain.toSeconds(), maxPendingWork),
          RETRY_AFTER);
    }
  }
}
