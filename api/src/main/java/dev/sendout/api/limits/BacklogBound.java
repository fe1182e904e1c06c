package dev.sendout.api.limits;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.sendout.SendBacklog;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
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
 * <p>Over either bound, only the tenants that hold it are refused: each tenant with work behind has
 * an equal share of the bound, and one at or over its share is refused while the others' writes go
 * on. One tenant's eleven SMS sendouts of 10,000 refused every other tenant's one-recipient create
 * for the six minutes Vonage's pace took to work them off. What the others bring meanwhile is
 * bounded by their shares: the work behind stays under about twice the bound.
 *
 * <p>The backlog is counted once a second by one query, never per request (by tenant, with a
 * second, only while it is over the bound), and so are the pending work (by tenant) and the pace.
 * Every api instance counts the same database, so the bound holds for all of them together.
 */
@Component
public class BacklogBound {

  private static final Logger log = LoggerFactory.getLogger(BacklogBound.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

  /** How far back the workflows' pace is measured: long enough to smooth a second's jitter. */
  public static final Duration PACE_WINDOW = Duration.ofSeconds(10);

  private final IntSupplier backlog;
  private final Supplier<Map<String, Integer>> backlogByTenant;
  private final int max;
  private final Supplier<Map<String, Integer>> pendingWork;
  private final IntSupplier sentInPaceWindow;
  private final int maxPendingWork;
  private final Duration drain;
  private volatile int behind;
  private volatile Map<String, Integer> behindByTenant = Map.of();
  private volatile int pending;
  private volatile Map<String, Integer> pendingByTenant = Map.of();
  private volatile int pendingBound;

  @Autowired
  public BacklogBound(SendBacklog backlog, LimitProperties limits) {
    this(
        // Counted one past the bound: enough to tell whether it is over, and the count stops there.
        () -> backlog.count(onePast(limits.maxBacklog())),
        () -> backlog.countByTenant(onePast(limits.maxBacklog())),
        limits.maxBacklog(),
        backlog::pendingWorkflowWorkByTenant,
        () -> backlog.sentSince(OffsetDateTime.now(ZoneOffset.UTC).minus(PACE_WINDOW)),
        limits.maxPendingWorkflowWork(),
        limits.pendingWorkDrain());
  }

  private static int onePast(int bound) {
    return (int) Math.min(Integer.MAX_VALUE, bound + 1L);
  }

  BacklogBound(
      IntSupplier backlog,
      Supplier<Map<String, Integer>> backlogByTenant,
      int max,
      Supplier<Map<String, Integer>> pendingWork,
      IntSupplier sentInPaceWindow,
      int maxPendingWork,
      Duration drain) {
    this.backlog = backlog;
    this.backlogByTenant = backlogByTenant;
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
        int count = backlog.getAsInt();
        behindByTenant = count > max ? backlogByTenant.get() : Map.of();
        behind = count;
      }
      if (maxPendingWork > 0) {
        Map<String, Integer> byTenant = pendingWork.get();
        pendingByTenant = byTenant;
        pending = byTenant.values().stream().mapToInt(Integer::intValue).sum();
        long atPace = sentInPaceWindow.getAsInt() * drain.toMillis() / PACE_WINDOW.toMillis();
        pendingBound = (int) Math.min(Integer.MAX_VALUE, Math.max(maxPendingWork, atPace));
      }
    } catch (DataAccessException e) {
      // The last counts stand; a database that cannot answer fails the write anyway.
      log.debug("Could not count the backlog: {}", e.getMessage());
    }
  }

  /**
   * Refuses the tenant's new work with 429 while either last count is over its bound and the tenant
   * holds at least its share of it.
   */
  public void check(String tenantId) {
    Map<String, Integer> behindOf = behindByTenant;
    if (max > 0 && behind > max && holdsItsShare(tenantId, max, behindOf)) {
      throw new ApiProblem(
          ProblemType.OVERLOADED,
          ("The engine is over its bound of %d messages behind its sends, and %d of them are"
                  + " yours, your share or more; retry shortly")
              .formatted(max, behindOf.getOrDefault(tenantId, 0)),
          RETRY_AFTER);
    }
    int work = pending;
    int bound = pendingBound;
    Map<String, Integer> pendingOf = pendingByTenant;
    if (maxPendingWork > 0 && work > bound && holdsItsShare(tenantId, bound, pendingOf)) {
      throw new ApiProblem(
          ProblemType.OVERLOADED,
          ("The engine has %d sendouts and additions its workflows have not taken yet, over its"
                  + " bound of %d (what they send in %d s at their recent pace, at least %d), and"
                  + " %d of them are yours, your share or more; retry shortly")
              .formatted(
                  work,
                  bound,
                  drain.toSeconds(),
                  maxPendingWork,
                  pendingOf.getOrDefault(tenantId, 0)),
          RETRY_AFTER);
    }
  }

  /**
   * Whether the tenant holds at least its share of a bound its count is over: each tenant counted
   * has an equal share. Counted for none (the count by tenant failed, or found the work gone),
   * every tenant does.
   */
  private static boolean holdsItsShare(String tenantId, int bound, Map<String, Integer> byTenant) {
    int share = byTenant.isEmpty() ? 0 : bound / byTenant.size();
    return byTenant.getOrDefault(tenantId, 0) >= share;
  }
}
