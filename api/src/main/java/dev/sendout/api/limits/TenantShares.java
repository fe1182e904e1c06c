package dev.sendout.api.limits;

import dev.sendout.api.problem.ApiExceptionHandler;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.tenant.ApiKeyFilter;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.core.config.RequestPath;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * One tenant holds at most two thirds of the {@code max-concurrent-requests} places ({@link
 * ConcurrentRequests}), so that the others always find some: a tenant whose requests are slow
 * (large uploads, bodies sent at the slowest rate allowed) or many would otherwise take every
 * place, and every other tenant would be answered 429 {@code overloaded} for as long as it lasted.
 * Its request beyond its share is answered 429 with Retry-After at once, right after its key is
 * known ({@link ApiKeyFilter}) and before anything else is done for it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class TenantShares extends OncePerRequestFilter {

  private final TenantPlaces places;
  private final ObjectMapper json;
  private final Counter shed;

  public TenantShares(LimitProperties properties, ObjectMapper json, MeterRegistry meters) {
    this.places = new TenantPlaces(properties.maxConcurrentRequests() * 2 / 3);
    this.json = json;
    this.shed = ConcurrentRequests.shedCounter("tenant", meters);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !RequestPath.isUnder(request, "/v1");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Tenant tenant = ApiKeyFilter.tenantOf(request);
    if (tenant == null) { // never: ApiKeyFilter, before this, lets no /v1 request by without one
      throw new IllegalStateException("A /v1 request reached TenantShares without a tenant");
    }
    if (!places.take(tenant.id())) {
      shed.increment();
      ApiExceptionHandler.write(
          new ApiProblem(
              ProblemType.OVERLOADED,
              "This tenant has %d requests in progress, its share of the API; retry shortly"
                  .formatted(places.share()),
              Duration.ofSeconds(1)),
          request,
          response,
          json);
      return;
    }
    try {
      chain.doFilter(request, response);
    } finally {
      places.leave(tenant.id());
    }
  }
}
