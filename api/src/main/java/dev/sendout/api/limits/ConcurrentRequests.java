package dev.sendout.api.limits;

import dev.sendout.api.problem.ApiExceptionHandler;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.config.RequestPath;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * The first thing a {@code /v1} request meets: at most {@code max-concurrent-requests} are handled
 * at once, and one beyond them is answered 429 {@code overloaded} with Retry-After at once, before
 * authentication, body parsing or any query. A 429, not a 503 (invariant I3): Tomcat closes the
 * connection after a 503, and in an overload of thousands of requests a second every refused caller
 * reconnecting cost more than the refusal, until requests timed out.
 *
 * <p>The bounds behind it ({@link WriteBulkheads}, the backlog, the tenants' budgets) refuse with a
 * reason, but only after Spring MVC, the API key and the request's own checks have run. When the
 * machine is short of CPU (an overload of additions on two cores, while the engine also sends what
 * it accepted), those refusals become slow too, requests pile up behind them and are read only
 * after their callers have given up. This bound keeps the requests in progress few enough that each
 * gets CPU, and turns the rest away for the cost of parsing their headers. Refusals are counted in
 * {@code sendout.api.requests.shed}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConcurrentRequests extends OncePerRequestFilter {

  /** The refusal, the same every time: an ApiProblem carries no stack trace. */
  private static final ApiProblem SHED =
      new ApiProblem(
          ProblemType.OVERLOADED,
          "The API is handling as many requests as it can; retry shortly",
          Duration.ofSeconds(1));

  private final Semaphore places;
  private final ObjectMapper json;
  private final Counter shed;

  public ConcurrentRequests(
      LimitProperties properties,
      @Value("${server.tomcat.threads.max:200}") int requestThreads,
      ObjectMapper json,
      MeterRegistry meters) {
    int places = properties.maxConcurrentRequests();
    if (places < 1 || places > requestThreads * 3 / 4) {
      throw new IllegalStateException(
          ("sendout.api.limits.max-concurrent-requests is %d: it must be at least 1 and at most"
                  + " three quarters of server.tomcat.threads.max (%d), so that webhooks and"
                  + " refusals always find a request thread")
              .formatted(places, requestThreads));
    }
    this.places = new Semaphore(places);
    this.json = json;
    this.shed =
        Counter.builder("sendout.api.requests.shed")
            .description("Requests answered 429 at once: max-concurrent-requests were in progress")
            .register(meters);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !RequestPath.isUnder(request, "/v1");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!places.tryAcquire()) {
      shed.increment();
      ApiExceptionHandler.write(SHED, request, response, json);
      return;
    }
    try {
      chain.doFilter(request, response);
    } finally {
      places.release();
    }
  }
}
