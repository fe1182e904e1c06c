package dev.sendout.api.tenant;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The admin endpoints need {@code Authorization: Bearer <SENDOUT_ADMIN_TOKEN>}. Without a token
 * configured they do not exist (404): an admin API nobody meant to open stays closed.
 */
class AdminTokenInterceptor implements HandlerInterceptor {

  private final byte[] token;

  AdminTokenInterceptor(String token) {
    this.token = token.isBlank() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (CorsUtils.isPreFlightRequest(request)) {
      return false; // as ApiKeyInterceptor answers one
    }
    if (token == null) {
      throw new ApiProblem(ProblemType.NOT_FOUND, "No such resource");
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    // Compared in constant time, so that response times reveal nothing of the token.
    if (authorization == null
        || !MessageDigest.isEqual(token, authorization.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiProblem(ProblemType.API_KEY_INVALID, "The admin token is missing or wrong");
    }
    return true;
  }
}
