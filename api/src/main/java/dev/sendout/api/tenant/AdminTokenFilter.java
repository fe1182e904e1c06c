package dev.sendout.api.tenant;

import dev.sendout.api.problem.ApiExceptionHandler;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.config.InvalidSetting;
import dev.sendout.core.config.RequestPath;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * The admin endpoints need {@code Authorization: Bearer <SENDOUT_ADMIN_TOKEN>}, checked before
 * anything else about the request, as {@link ApiKeyFilter} checks an API key. Without a token
 * configured they do not exist (404): an admin API nobody meant to open stays closed, and its 404
 * says how it is opened (the README documents it, so that tells no caller more than it does).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class AdminTokenFilter extends OncePerRequestFilter {

  private final byte[] token;
  private final ObjectMapper json;

  static final String ADMIN_OFF =
      "The admin API is off: it is served only when the engine starts with SENDOUT_ADMIN_TOKEN set"
          + " (README, \"Tenants and API keys\")";

  /** The shortest admin token taken: "admin" or a word is guessed before it is noticed. */
  static final int MIN_TOKEN_LENGTH = 16;

  /**
   * @param token the configured token, stripped (one read from a file ends with a line break that
   *     no caller sends); blank for none
   */
  AdminTokenFilter(@Value("${sendout.admin.token:}") String token, ObjectMapper json) {
    String given = token.strip();
    if (!given.isEmpty() && given.length() < MIN_TOKEN_LENGTH) {
      throw InvalidSetting.invalid(
          "SENDOUT_ADMIN_TOKEN",
          "at least %d characters, a secret of yours (openssl rand -hex 24 makes one)"
              .formatted(MIN_TOKEN_LENGTH),
          null);
    }
    this.token = given.isEmpty() ? null : given.getBytes(StandardCharsets.UTF_8);
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !RequestPath.isUnder(request, "/admin");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (CorsUtils.isPreFlightRequest(request)) {
      return; // as ApiKeyFilter answers one
    }
    if (token == null) {
      ApiExceptionHandler.write(
          new ApiProblem(ProblemType.NOT_FOUND, ADMIN_OFF), request, response, json);
      return;
    }
    if (ApiKeyFilter.hasSeveralAuthorizations(request)) {
      ApiExceptionHandler.write(ApiKeyFilter.SEVERAL_AUTHORIZATIONS, request, response, json);
      return;
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    // The scheme without regard to case, as for an API key (RFC 9110); the token compared in
    // constant time, so that response times reveal nothing of it.
    if (!ApiKeyFilter.hasBearer(authorization)
        || !MessageDigest.isEqual(
            token,
            authorization
                .substring(ApiKeyFilter.BEARER.length())
                .getBytes(StandardCharsets.UTF_8))) {
      ApiExceptionHandler.write(
          new ApiProblem(
              ProblemType.ADMIN_TOKEN_INVALID,
              "Send the admin token (SENDOUT_ADMIN_TOKEN) as Authorization: Bearer <token>"),
          request,
          response,
          json);
      return;
    }
    chain.doFilter(request, response);
  }
}
