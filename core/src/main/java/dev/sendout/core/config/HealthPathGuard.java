package dev.sendout.core.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * Answers 404 for a health path nested deeper than one name ({@code /actuator/health/a/b}), on both
 * apps' servers, before Spring Boot's health endpoint sees it: for a first name that is no
 * component it fails with an IllegalStateException, a 500 and a stack trace in the log for every
 * such request, which anyone can send. No nested path names anything here (the groups' members are
 * not served under them either), so nothing answered before is lost. Only in a servlet web
 * application: the core is also a library of contexts without a server, or the servlet API.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class HealthPathGuard extends HttpFilter {

  private static final String HEALTH = "/actuator/health/";

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String path = RequestPath.of(request);
    if (path.startsWith(HEALTH) && path.indexOf('/', HEALTH.length()) >= 0) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    chain.doFilter(request, response);
  }
}
