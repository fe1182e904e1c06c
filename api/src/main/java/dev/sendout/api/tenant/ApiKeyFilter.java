package dev.sendout.api.tenant;

import dev.sendout.api.problem.ApiExceptionHandler;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.config.OccasionalWarning;
import dev.sendout.core.config.RequestPath;
import dev.sendout.core.store.StoreErrors;
import dev.sendout.core.tenant.ApiKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Every {@code /v1} call needs {@code Authorization: Bearer <api key>}: a missing key and a wrong
 * or revoked one are both 401 problems, told apart by their type. The key's tenant is left on the
 * request for {@link TenantArgumentResolver}.
 *
 * <p>A filter, so that the key is checked before anything else about the request: a caller without
 * one learns nothing of which paths, methods or media types exist (a 401, not a 404, 405 or 415).
 * Only the bound on requests in progress comes first, so that an overload is shed before the key's
 * lookup.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class ApiKeyFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);

  /** Requests refused for it, logged once per {@link OccasionalWarning#GAP}, not one line each. */
  private final OccasionalWarning databaseDown = new OccasionalWarning(log);

  private static final ApiProblem KEY_UNCHECKED =
      new ApiProblem(
          ProblemType.UNAVAILABLE,
          "The database is unavailable: the API key could not be checked",
          Duration.ofSeconds(1));

  /** The request attribute that holds the caller's {@link Tenant}. */
  public static final String TENANT = ApiKeyFilter.class.getName() + ".tenant";

  static final String BEARER = "Bearer ";

  /** The tenant this filter found for the request. */
  public static Tenant tenantOf(HttpServletRequest request) {
    return (Tenant) request.getAttribute(TENANT);
  }

  private final ApiKeys keys;
  private final ObjectMapper json;

  ApiKeyFilter(ApiKeys keys, ObjectMapper json) {
    this.keys = keys;
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !RequestPath.isUnder(request, "/v1");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (CorsUtils.isPreFlightRequest(request)) {
      // A browser sends a preflight no credentials. Answered as it is, with no CORS header: no
      // origin is allowed, and the request it asks for would still need its key.
      return;
    }
    if (hasSeveralAuthorizations(request)) {
      ApiExceptionHandler.write(SEVERAL_AUTHORIZATIONS, request, response, json);
      return;
    }
    Optional<ApiKeys.Caller> caller;
    try {
      caller = callerOf(request.getHeader(HttpHeaders.AUTHORIZATION));
    } catch (DataAccessException | org.jooq.exception.DataAccessException e) {
      // Out of Spring MVC's reach, so said here as its handler says it: a dependency down, 503.
      databaseDown.warn(() -> "Database unavailable to check API keys: " + StoreErrors.reason(e));
      ApiExceptionHandler.write(KEY_UNCHECKED, request, response, json);
      return;
    }
    databaseDown.recovered("API keys are checked again");
    if (caller.isEmpty()) {
      ApiExceptionHandler.write(refusal(request), request, response, json);
      return;
    }
    request.setAttribute(TENANT, new Tenant(caller.get().tenantId(), caller.get().keyName()));
    chain.doFilter(request, response);
  }

  /**
   * Refuses with 401 a request whose key was revoked after this filter let it in. A request that
   * reads its body to the end before it stores anything (an upload, which at the minimum body rate
   * may take hours) asks again then, so that revoking a leaked key stops it.
   */
  public void recheck(HttpServletRequest request) {
    if (callerOf(request.getHeader(HttpHeaders.AUTHORIZATION)).isEmpty()) {
      throw new ApiProblem(
          ProblemType.API_KEY_INVALID,
          "The API key was revoked while the request was read; nothing was stored");
    }
  }

  private Optional<ApiKeys.Caller> callerOf(String authorization) {
    return hasBearer(authorization)
        ? keys.callerOf(authorization.substring(BEARER.length()).trim())
        : Optional.empty();
  }

  private static ApiProblem refusal(HttpServletRequest request) {
    return hasBearer(request.getHeader(HttpHeaders.AUTHORIZATION))
        ? new ApiProblem(ProblemType.API_KEY_INVALID, "The API key is unknown or revoked")
        : new ApiProblem(
            ProblemType.API_KEY_MISSING, "Send your API key as Authorization: Bearer <key>");
  }

  /**
   * Which of two credentials was meant is not for us to guess: the first might be another tenant's
   * key, or an old admin token beside the new one.
   */
  static boolean hasSeveralAuthorizations(HttpServletRequest request) {
    return Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION)).size() > 1;
  }

  static final ApiProblem SEVERAL_AUTHORIZATIONS =
      ApiProblem.invalid("Authorization", "send one Authorization header, not several");

  static boolean hasBearer(String authorization) {
    return authorization != null
        && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
  }
}
