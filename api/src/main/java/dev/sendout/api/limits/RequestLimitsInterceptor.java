package dev.sendout.api.limits;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.tenant.Tenant;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.function.Function;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Backpressure for {@code /v1}: each call takes one request from its tenant's budget, and the
 * writes (new sendouts, added recipients: the calls that hold a database connection for a COPY)
 * also take a place in a bulkhead shared by all tenants. A write that finds the bulkhead full waits
 * for a place a few milliseconds at most ({@code sendout.api.limits.write-wait}), then is answered
 * 503: an overload becomes fast refusals with Retry-After, never requests queueing until they time
 * out. Writes are refused the same way while the engine is too far behind its sends ({@link
 * BacklogBound}).
 */
public class RequestLimitsInterceptor implements HandlerInterceptor {

  private static final String HOLDS_PLACE = RequestLimitsInterceptor.class.getName() + ".place";

  private final TenantLimits limits;
  private final Function<HttpServletRequest, Tenant> tenantOf;
  private final Bulkhead writes;
  private final BacklogBound backlog;

  public RequestLimitsInterceptor(
      TenantLimits limits,
      LimitProperties properties,
      BacklogBound backlog,
      Function<HttpServletRequest, Tenant> tenantOf) {
    this.limits = limits;
    this.backlog = backlog;
    this.tenantOf = tenantOf;
    this.writes =
        Bulkhead.of(
            "writes",
            BulkheadConfig.custom()
                .maxConcurrentCalls(properties.maxConcurrentWrites())
                .maxWaitDuration(properties.writeWait())
                .build());
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    limits.takeRequest(tenantOf.apply(request));
    if (isWrite(request)) {
      backlog.check();
      if (!writes.tryAcquirePermission()) {
        throw new ApiProblem(
            ProblemType.OVERLOADED,
            "The API is handling as many new sendouts as it can; retry shortly",
            Duration.ofSeconds(1));
      }
      request.setAttribute(HOLDS_PLACE, Boolean.TRUE);
    }
    return true;
  }

  @Override
  public void afterCompletion(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    if (request.getAttribute(HOLDS_PLACE) != null) {
      writes.onComplete();
    }
  }

  private static boolean isWrite(HttpServletRequest request) {
    String path = request.getRequestURI();
    return "POST".equals(request.getMethod())
        && (path.equals("/v1/sendouts") || path.endsWith("/recipients"));
  }
}
