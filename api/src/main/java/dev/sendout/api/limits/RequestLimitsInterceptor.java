package dev.sendout.api.limits;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.core.config.RequestPath;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Function;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Backpressure for {@code /v1}: each call takes one request from its tenant's budget, and the
 * writes (new sendouts, added recipients, imports) also take a place in a bulkhead shared by all
 * tenants ({@link WriteBulkheads}), or are answered 429 at once or after a few milliseconds' wait.
 * New sendouts and additions are refused the same way while the engine is too far behind its sends
 * ({@link BacklogBound}), over its backlog only for the tenants that hold it.
 */
public class RequestLimitsInterceptor implements HandlerInterceptor {

  private static final String HOLDS_PLACE = RequestLimitsInterceptor.class.getName() + ".place";

  private final TenantLimits limits;
  private final Function<HttpServletRequest, Tenant> tenantOf;
  private final WriteBulkheads writes;
  private final BacklogBound backlog;

  public RequestLimitsInterceptor(
      TenantLimits limits,
      WriteBulkheads writes,
      BacklogBound backlog,
      Function<HttpServletRequest, Tenant> tenantOf) {
    this.limits = limits;
    this.writes = writes;
    this.backlog = backlog;
    this.tenantOf = tenantOf;
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    Tenant tenant = tenantOf.apply(request);
    if (tenant == null) {
      // A path Spring gives /v1's interceptors but the key filter does not take for one of /v1
      // (/v1/.., say): refused as a request without a key is, never let through.
      throw new ApiProblem(
          ProblemType.API_KEY_MISSING, "Send your API key as Authorization: Bearer <key>");
    }
    limits.takeRequest(tenant);
    if (isSendoutWrite(request)) {
      backlog.check(tenant.id());
    }
    WriteBulkheads.Held held = writes.enter(request, tenant.id());
    if (held != null) {
      request.setAttribute(HOLDS_PLACE, held);
    }
    return true;
  }

  @Override
  public void afterCompletion(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    if (request.getAttribute(HOLDS_PLACE) instanceof WriteBulkheads.Held held) {
      held.leave();
    }
  }

  /** A new sendout, or recipients added to one: refused while the engine is behind. */
  private static boolean isSendoutWrite(HttpServletRequest request) {
    return WriteBulkheads.isCreate(request)
        || ("POST".equals(request.getMethod()) && RequestPath.of(request).endsWith("/recipients"));
  }
}
