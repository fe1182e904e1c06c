package dev.sendout.api.limits;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.tenant.Tenant;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Each tenant's request and recipient budgets, as Resilience4j rate limiters that never wait: a
 * call over budget is answered 429 at once, with the time until the budget refills as Retry-After,
 * so that one busy tenant cannot slow the others down.
 */
@Component
public class TenantLimits {

  private final RateLimiterRegistry requests;
  private final RateLimiterRegistry recipients;
  private final int recipientsPerMinute;

  public TenantLimits(LimitProperties limits) {
    this.requests = registry(limits.requestsPerSecond(), Duration.ofSeconds(1));
    this.recipients = registry(limits.recipientsPerMinute(), Duration.ofMinutes(1));
    this.recipientsPerMinute = limits.recipientsPerMinute();
  }

  private static RateLimiterRegistry registry(int permits, Duration period) {
    return RateLimiterRegistry.of(
        RateLimiterConfig.custom()
            .limitForPeriod(permits)
            .limitRefreshPeriod(period)
            .timeoutDuration(Duration.ZERO)
            .build());
  }

  /** Takes one request from the tenant's budget, or refuses it with 429. */
  public void takeRequest(Tenant tenant) {
    take(requests.rateLimiter(tenant.id()), 1, "requests per second");
  }

  /** Takes {@code count} recipients from the tenant's budget, or refuses them with 429. */
  public void takeRecipients(Tenant tenant, int count) {
    refuseOverAMinutesBudget(count);
    take(recipients.rateLimiter(tenant.id()), count, "recipients per minute");
  }

  /** Refuses with 429, taking nothing, {@code count} recipients no budget can ever take. */
  public void refuseOverAMinutesBudget(int count) {
    if (count > recipientsPerMinute) {
      throw new ApiProblem(
          ProblemType.RATE_LIMITED,
          "%d recipients exceed the limit of %d a minute; send them in smaller parts"
              .formatted(count, recipientsPerMinute),
          Duration.ofMinutes(1));
    }
  }

  private static void take(RateLimiter limiter, int permits, String what) {
    if (permits > 0 && !limiter.acquirePermission(permits)) {
      throw new ApiProblem(
          ProblemType.RATE_LIMITED,
          "Over this tenant's limit of %d %s; retry after the Retry-After seconds"
              .formatted(limiter.getRateLimiterConfig().getLimitForPeriod(), what),
          untilRefill(limiter));
    }
  }

  /**
   * When the budget next refills: the limiter's own wait for one permit, or its period when it
   * cannot say; at least a second, since a Retry-After of 0 would invite a futile retry.
   */
  private static Duration untilRefill(RateLimiter limiter) {
    Duration until =
        limiter.getMetrics() instanceof AtomicRateLimiter.AtomicRateLimiterMetrics metrics
                && metrics.getNanosToWait() > 0
            ? Duration.ofNanos(metrics.getNanosToWait())
            : limiter.getRateLimiterConfig().getLimitRefreshPeriod();
    return until.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : until;
  }
}
