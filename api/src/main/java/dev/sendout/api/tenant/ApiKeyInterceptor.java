package dev.sendout.api.tenant;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.tenant.ApiKeys;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Every {@code /v1} call needs {@code Authorization: Bearer <api key>}: a missing key and a wrong
 * or revoked one are both 401 problems, told apart by their type. The key's tenant is left on the
 * request for {@link TenantArgumentResolver}.
 */
class ApiKeyInterceptor implements HandlerInterceptor {

  static final String TENANT = ApiKeyInterceptor.class.getName() + ".tenant";

  /** The tenant this interceptor found for the request. */
  static Tenant tenantOf(HttpServletRequest request) {
    return (Tenant) request.getAttribute(TENANT);
  }

  private static final String BEARER = "Bearer ";

  private final ApiKeys keys;

  ApiKeyInterceptor(ApiKeys keys) {
    this.keys = keys;
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (CorsUtils.isPreFlightRequest(request)) {
      // A browser sends a preflight no credentials. Answered as it is, with no CORS header: no
      // origin is allowed, and the request it asks for would still need its key.
      return false;
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new ApiProblem(
          ProblemType.API_KEY_MISSING, "Send your API key as Authorization: Bearer <key>");
    }
    String key = authorization.substring(BEARER.length()).trim();
    ApiKeys.Caller caller =
        keys.callerOf(key)
            .orElseThrow(
                () ->
                    new ApiProblem(
                        ProblemType.API_KEY_INVALID, "The API key is unknown or revoked"));
    request.setAttribute(TENANT, new Tenant(caller.tenantId(), caller.keyName()));
    return true;
  }
}
