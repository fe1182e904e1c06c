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
import java.util.stream.Collectors;
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
 * for the six minutes Vonage's pace took to work them off. What the others bring meanwhile is what
 * each may add while under its share between two counts (a second apart): not a bound on size, but
 * far less than the flood one tenant is refused for.
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

  /** The last counts, each published whole: a request never pairs one count with another's. */
  private volatile Behind messages = Behind.NONE;

  private volatile Behind workflowWork = Behind.NONE;

  /**
   * Work behind, against its bound.
   *
   * @param byTenant while over the bound, the tenants with some of it and how much (each counted up
   *     to one past the bound)
   */
  private record Behind(int total, int bound, Map<String, Integer> byTenant) {

    static final Behind NONE = new Behind(0, Integer.MAX_VALUE, Map.of());

    Behind {
      byTenant =
          byTenant.entrySet().stream()
              .filter(count -> count.getValue() > 0)
              .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    int of(String tenantId) {
      return byTenant.getOrDefault(tenantId, 0);
    }

    /**
     * Over the bound and the tenant holds at least its share: each tenant with work behind has an
     * equal share. When the count by tenant found none (the work went between the two counts),
     * every tenant is refused.
     */
    boolean refuses(String tenantId) {
      if (total <= bound) {
        return false;
      }
      return byTenant.isEmpty() || of(tenantId) >= Math.max(1, bound / byTenant.size());
    }
  }

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
  }

  @Scheduled(fixedDelayString = "${sendout.api.limits.backlog-refresh:1s}")
  void refresh() {
    try {
      if (max > 0) {
        int count = backlog.getAsInt();
        messages = new Behind(count, max, count > max ? backlogByTenant.get() : Map.of());
      }
      if (maxPendingWork > 0) {
        Map<String, Integer> byTenant = pendingWork.get();
        long atPace = sentInPaceWindow.getAsInt() * drain.toMillis() / PACE_WINDOW.toMillis();
        workflowWork =
            new Behind(
                byTenant.values().stream().mapToInt(Integer::intValue).sum(),
                (int) Math.min(Integer.MAX_VALUE, Math.max(maxPendingWork, atPace)),
                byTenant);
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
    Behind behind = messages;
    if (max > 0 && behind.refuses(tenantId)) {
      throw new ApiProblem(
          ProblemType.OVERLOADED,
          ("The engine is over its bound of %d messages behind its sends, and %d of them are"
                  + " yours, your share or more; retry shortly")
              .formatted(max, behind.of(tenantId)),
          RETRY_AFTER);
    }
    Behind work = workflowWork;
    if (maxPendingWork > 0 && work.refuses(tenantId)) {
      throw new ApiProblem(
          ProblemType.OVERLOADED,
          ("The engine has %d sendouts and additions its workflows have not taken yet, over its"
                  + " bound of %d (what they send in %d s at their recent pace, at least %d), and"
                  + " %d of them are yours, your share or more; retry shortly")
              .formatted(
                  work.total(), work.bound(), drain.toSeconds(), maxPendingWork, work.of(tenantId)),
          RETRY_AFTER);
    }
  }
}
