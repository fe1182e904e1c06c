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
 * The first thing a request meets: at most {@code max-concurrent-requests} {@code /v1} requests are
 * handled at once, and at most {@code max-concurrent-public-requests} of what anyone may call (the
 * providers' webhooks, which must read a body before its signature can be checked, and the
 * unsubscribe links). One beyond them is answered 429 {@code overloaded} with Retry-After at once,
 * before authentication, body parsing or any query. A 429, not a 503 (invariant I3): Tomcat closes
 * the connection after a 503, and in an overload of thousands of requests a second every refused
 * caller reconnecting cost more than the refusal, until requests timed out. The providers retry a
 * 429.
 *
 * <p>The bounds behind it ({@link WriteBulkheads}, the backlog, the tenants' budgets) refuse with a
 * reason, but only after Spring MVC, the API key and the request's own checks have run. When the
 * machine is short of CPU (an overload of additions on two cores, while the engine also sends what
 * it accepted), those refusals become slow too, requests pile up behind them and are read only
 * after their callers have given up. This bound keeps the requests in progress few enough that each
 * gets CPU, and turns the rest away for the cost of parsing their headers. The two bounds together
 * leave request threads to health checks and the admin API: 210 webhook calls sending their bodies
 * slowly, by anyone, held every thread and health timed out before the public bound.
 *
 * <p>SendGrid's Event Webhook is signed over its body, so anyone can hold a place with a call whose
 * body never comes, until its read times out; it takes half of the public places at most. Thirty
 * such calls every twenty seconds refused every receipt and every unsubscribe link; now they hold
 * SendGrid's receipts back (which SendGrid retries for three days), while Vonage's webhooks and the
 * unsubscribe links keep the other half: their token is checked before their body is read, so only
 * someone holding a valid one (a signed Vonage call within its age, a link from an email) could
 * hold a place that way. Every email carries a valid link, so the links take a third of the public
 * places at most: 31 posts to one link sending a byte a second held every place, and every receipt
 * was refused (a hostile sweep). Refusals are counted in {@code sendout.api.requests.shed}, by
 * {@code requests} ({@code api} or {@code public}; {@code tenant} for {@link TenantShares}'s).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConcurrentRequests extends OncePerRequestFilter {

  /** Request threads neither bound may take: health checks and the admin API always find one. */
  static final int KEPT_THREADS = 20;

  /** The refusal, the same every time: an ApiProblem carries no stack trace. */
  private static final ApiProblem SHED =
      new ApiProblem(
          ProblemType.OVERLOADED,
          "The API is handling as many requests as it can; retry shortly",
          Duration.ofSeconds(1));

  /** One bound: its places and its refusals. */
  private record Bound(Semaphore places, Counter shed) {}

  private final Bound api;
  private final Bound open;

  /** The share of {@link #open}'s places that SendGrid's webhook may hold. */
  private final Semaphore bodyFirst;

  /** The share of {@link #open}'s places that the unsubscribe links may hold. */
  private final Semaphore links;

  private final ObjectMapper json;

  public ConcurrentRequests(
      LimitProperties properties,
      @Value("${server.tomcat.threads.max:200}") int requestThreads,
      ObjectMapper json,
      MeterRegistry meters) {
    int places = properties.maxConcurrentRequests();
    int publicPlaces = properties.maxConcurrentPublicRequests();
    if (places < 1 || publicPlaces < 1 || places + publicPlaces > requestThreads - KEPT_THREADS) {
      throw new IllegalStateException(
          ("sendout.api.limits.max-concurrent-requests (%d) and max-concurrent-public-requests"
                  + " (%d) must each be at least 1, and together at most server.tomcat.threads.max"
                  + " (%d) less %d, so that health checks and the admin API always find a"
                  + " request thread")
              .formatted(places, publicPlaces, requestThreads, KEPT_THREADS));
    }
    this.api = bound(places, "api", meters);
    this.open = bound(publicPlaces, "public", meters);
    this.bodyFirst = new Semaphore(Math.max(1, publicPlaces / 2));
    this.links = new Semaphore(Math.max(1, publicPlaces / 3));
    this.json = json;
  }

  private static Bound bound(int places, String requests, MeterRegistry meters) {
    return new Bound(new Semaphore(places), shedCounter(requests, meters));
  }

  /** The count of requests a bound refused at once, by which bound: {@code requests}. */
  static Counter shedCounter(String requests, MeterRegistry meters) {
    return Counter.builder("sendout.api.requests.shed")
        .description("Requests answered 429 at once: as many as the bound allows in progress")
        .tag("requests", requests)
        .register(meters);
  }

  /** The bound the request is counted in, or null: health, metrics, the admin API, the docs. */
  private Bound boundOf(HttpServletRequest request) {
    if (RequestPath.isUnder(request, "/v1")) {
      return api;
    }
    return RequestPath.isUnder(request, "/webhooks") || RequestPath.isUnder(request, "/u")
        ? open
        : null;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return boundOf(request) == null;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Bound bound = boundOf(request);
    // SendGrid's webhook and the unsubscribe links take a place in their share first; every
    // other request has none.
    Semaphore share =
        RequestPath.isUnder(request, "/webhooks/sendgrid")
            ? bodyFirst
            : RequestPath.isUnder(request, "/u") ? links : null;
    if (share != null && !share.tryAcquire()) {
      refuse(bound, request, response);
      return;
    }
    try {
      if (!bound.places().tryAcquire()) {
        refuse(bound, request, response);
        return;
      }
      try {
        chain.doFilter(request, response);
      } finally {
        bound.places().release();
      }
    } finally {
      if (share != null) {
        share.release();
      }
    }
  }

  private void refuse(Bound bound, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    bound.shed().increment();
    ApiExceptionHandler.write(SHED, request, response, json);
  }
}
