package dev.sendout.api.problem;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page of the servlet container, for errors raised outside Spring MVC (in a filter, or by
 * Tomcat's own checks once it has a request): a problem of this API's type for the status, which
 * names nothing of the exception behind it, instead of Spring Boot's default body. Hidden from the
 * OpenAPI document: no caller calls it, and described it read as seven operations on {@code
 * /error}.
 */
@Hidden
@RestController
public class ProblemErrorController implements ErrorController {

  private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

  @RequestMapping(path = "${server.error.path:/error}", produces = "application/problem+json")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    if (request.getDispatcherType() != DispatcherType.ERROR) {
      // Called as a path of its own, not forwarded to by the container: nothing is served there.
      return problem(
          404,
          ProblemType.NOT_FOUND,
          "Nothing is served at " + request.getRequestURI(),
          request.getRequestURI());
    }
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : 500;
    ProblemType type = ProblemType.forStatus(status);
    String detail = type.title();
    if (status >= 500) {
      String errorId = UUID.randomUUID().toString();
      log.error(
          "Unexpected error {}",
          errorId,
          (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
      detail = "Unexpected error; reference " + errorId;
    }
    // The request's own path, as every other problem names it, not the error page's.
    return problem(
        status, type, detail, (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
  }

  private static ResponseEntity<ProblemDetail> problem(
      int status, ProblemType type, String detail, String path) {
    var response = ApiExceptionHandler.respond(type, detail, List.of());
    response.getBody().setStatus(status);
    if (path != null) {
      try {
        response.getBody().setInstance(URI.create(path));
      } catch (IllegalArgumentException notAUri) {
        // Left out: the problem still says what went wrong.
      }
    }
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(response.getBody());
  }
}
