package dev.sendout.api.problem;

import dev.sendout.core.store.StoreErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.coyote.BadRequestException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

/**
 * Turns every error into an RFC 9457 problem detail. A caller's mistake gets its own type and names
 * the field; anything else is a bare 500 with an id to find it in the logs, never a trace.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  /** Jackson's words for a field given twice in one object. */
  private static final Pattern DUPLICATE_FIELD =
      Pattern.compile("^Duplicate Object property \"(.*)\"");

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
  private static final int RETRY_AFTER_SECONDS = 5;
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  /** The field Jackson found given twice in one object, by its words; null when it is not that. */
  public static String fieldGivenTwice(String jacksonMessage) {
    Matcher twice = DUPLICATE_FIELD.matcher(jacksonMessage == null ? "" : jacksonMessage);
    return twice.find() ? twice.group(1) : null;
  }

  /**
   * A 503 says the request may succeed later, and Retry-After when to try; a 401 says how to
   * authenticate.
   */
  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<ProblemDetail> apiProblem(ApiProblem problem) {
    return entity(problem);
  }

  /**
   * Writes the problem as {@link #apiProblem} would answer it, for a filter that refuses a request
   * before Spring MVC sees it.
   */
  public static void write(
      ApiProblem problem,
      HttpServletRequest request,
      HttpServletResponse response,
      ObjectMapper json)
      throws IOException {
    var entity = entity(problem);
    entity.getBody().setInstance(URI.create(request.getRequestURI()));
    response.setStatus(entity.getStatusCode().value());
    entity.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), entity.getBody());
  }

  private static ResponseEntity<ProblemDetail> entity(ApiProblem problem) {
    var response = respond(problem.type(), problem.getMessage(), problem.errors());
    if (problem.retryAfter() != null || problem.type().status() == HttpStatus.SERVICE_UNAVAILABLE) {
      long seconds =
          problem.retryAfter() != null
              ? Math.max(1, (problem.retryAfter().toMillis() + 999) / 1000)
              : RETRY_AFTER_SECONDS;
      return ResponseEntity.status(response.getStatusCode())
          .header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds))
          .body(response.getBody());
    }
    if (problem.type() == ProblemType.API_KEY_MISSING
        || problem.type() == ProblemType.API_KEY_INVALID
        || problem.type() == ProblemType.ADMIN_TOKEN_INVALID) {
      // RFC 9110: a 401 names the scheme the client should use.
      return ResponseEntity.status(response.getStatusCode())
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"sendout\"")
          .body(response.getBody());
    }
    return response;
  }

  @ExceptionHandler(UncheckedIOException.class)
  ResponseEntity<ProblemDetail> unreadable(UncheckedIOException e) {
    return unreadable(e.getCause());
  }

  /**
   * A body that could not be read: over its limit is the caller's 413, too slow their 408; one
   * Tomcat could not read (a broken chunked encoding, a client gone mid-body) their 400, with no
   * error logged for it; the rest ours.
   */
  @ExceptionHandler(IOException.class)
  ResponseEntity<ProblemDetail> unreadable(IOException e) {
    ResponseEntity<ProblemDetail> problem = unreadBody(e);
    return problem != null ? problem : unexpected(e);
  }

  /** The caller's problem if {@code e}, or what it was caused by, is a body not read; else null. */
  private static ResponseEntity<ProblemDetail> unreadBody(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
        return respond(ProblemType.BODY_TOO_LARGE, tooLarge.getMessage(), List.of());
      }
      if (cause instanceof RequestBodyLimitFilter.BodyTooSlowException tooSlow) {
        return respond(ProblemType.BODY_TOO_SLOW, tooSlow.getMessage(), List.of());
      }
      if (cause instanceof BadRequestException) {
        log.debug("A request body could not be read", e);
        return respond(
            ProblemType.INVALID_REQUEST,
            "The request body could not be read to its end",
            List.of());
      }
    }
    return null;
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
    // An id that is not even a UUID names nothing: the same status as an unknown one. Which kind
    // of thing it would name is the path's (a sendout, a message, an API key), not said here. Its
    // text is echoed up to a UUID's length and a little: a path of thousands of characters is not
    // sent back whole.
    if (e.getRequiredType() == UUID.class) {
      String id = String.valueOf(e.getValue());
      return respond(
          ProblemType.NOT_FOUND,
          "Nothing has the id '%s': it is not a UUID"
              .formatted(id.length() <= 40 ? id : id.substring(0, 40) + "…"),
          List.of());
    }
    String expected = expected(e.getRequiredType(), e.getValue());
    return respond(
        ProblemType.INVALID_REQUEST,
        e.getName() + ": " + expected,
        List.of(new FieldProblem(e.getName(), expected)));
  }

  /** What a parameter of this type takes, said to a caller who sent something else. */
  private static String expected(Class<?> type, Object value) {
    if (type == Boolean.class || type == boolean.class) {
      return "invalid value, expected true or false";
    }
    if (type != null && type.isEnum()) {
      return "invalid value, expected one of "
          + String.join(", ", Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList());
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      // A whole number too long for the type is not "not a whole number".
      return value instanceof String text && text.matches("-?[0-9]+")
          ? "invalid value, out of range"
          : "invalid value, expected a whole number";
    }
    return "invalid value";
  }

  /**
   * A query string Tomcat cannot split into parameters (a parameter without a name, such as {@code
   * ?=x}, or a bad percent-encoding): the caller's 400, which Tomcat reports only when a handler
   * first reads a parameter. Its message names byte offsets, not a field, so it is not passed on.
   */
  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<ProblemDetail> malformedParameters(InvalidParameterException e) {
    return respond(
        ProblemType.INVALID_REQUEST,
        "The query string is malformed: a parameter without a name, or a bad %-encoding",
        List.of());
  }

  /**
   * The database is away (503) or too busy (429): nothing was stored, and a retry is the right
   * move, so the caller (or SendGrid, for a webhook) gets a Retry-After rather than a bare 500.
   * jOOQ's own exception comes from statements run on the connection itself ({@code db.connection}:
   * the recipients' COPY, the receipts' insert), which Spring's translation does not see.
   */
  @ExceptionHandler({
    DataAccessException.class,
    TransactionException.class,
    org.jooq.exception.DataAccessException.class
  })
  ResponseEntity<ProblemDetail> databaseUnavailable(RuntimeException e) {
    if (StoreErrors.isDataError(e)) {
      // A value the edge's checks let through and the database refuses: a retry would be refused
      // the same way, so it is the caller's 400, not a 503 that invites retries.
      log.warn("The store refused a request's data: {}", StoreErrors.reason(e));
      return respond(
          ProblemType.INVALID_REQUEST,
          "The request holds a value that cannot be stored; check its text for control characters",
          List.of());
    }
    boolean busy = connectionsBusy(e);
    log.warn(busy ? "Database busy: {}" : "Database unavailable: {}", e.toString());
    // Busy is load, which is a 429 here; a 503 says a dependency is down (a hostile sweep's JSON
    // addition waited out its lock behind an upload of the same sendout, and was told 503).
    var response =
        busy
            ? respond(
                ProblemType.OVERLOADED,
                "The database is too busy to answer in time (every connection in use, or the rows"
                    + " it needs held by another request, such as an upload being stored)",
                List.of())
            : respond(ProblemType.UNAVAILABLE, "The database is unavailable", List.of());
    return ResponseEntity.status(response.getStatusCode())
        .header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS))
        .body(response.getBody());
  }

  /**
   * The pool waited out its timeout for a connection while the database was reachable: every
   * connection was busy. Hikari names the last failure to connect as the timeout's cause, so a
   * timeout without one is usually load, not an outage (a connection attempt still hanging in a
   * network black hole has not failed yet either). Or a statement waited out its lock_timeout
   * (SQLState 55P03) behind another writer of the same rows.
   */
  private static boolean connectionsBusy(Throwable e) {
    if (LOCK_NOT_AVAILABLE.equals(StoreErrors.sqlState(e))) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException timeout) {
        return timeout.getCause() == null;
      }
    }
    return false;
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    String errorId = UUID.randomUUID().toString();
    log.error("Unexpected error {}", errorId, e);
    return respond(ProblemType.INTERNAL, "Unexpected error; reference " + errorId, List.of());
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    Throwable cause = e.getMostSpecificCause();
    ResponseEntity<ProblemDetail> unread = unreadBody(e);
    if (unread != null) {
      return cast(unread);
    }
    if (cause instanceof DatabindException bind && !bind.getPath().isEmpty()) {
      String pointer = pointer(bind.getPath());
      String problem = problem(bind);
      return cast(
          respond(
              ProblemType.INVALID_REQUEST,
              pointer + ": " + problem,
              List.of(new FieldProblem(pointer, problem))));
    }
    if (cause instanceof MismatchedInputException mismatch
        && mismatch.getPath().isEmpty()
        && !String.valueOf(mismatch.getOriginalMessage()).startsWith("Trailing token")) {
      // JSON, but an array, a string, a number...: no syntax error for its caller to look for.
      return cast(
          respond(ProblemType.INVALID_REQUEST, "The body must be a JSON object", List.of()));
    }
    if (String.valueOf(e.getMessage()).startsWith("Required request body is missing")) {
      // Nothing came (no Content-Length, or 0): no syntax error for its caller to look for.
      return cast(
          respond(
              ProblemType.INVALID_REQUEST,
              "The request has no body: send the JSON object, with its Content-Length or chunked",
              List.of()));
    }
    String where = "";
    if (cause instanceof JacksonException json && json.getLocation() != null) {
      TokenStreamLocation at = json.getLocation();
      where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
    String twice =
        cause instanceof JacksonException json ? fieldGivenTwice(json.getOriginalMessage()) : null;
    if (twice != null) {
      // Strict duplicate detection (StrictJson): which of the two was meant is not ours to guess.
      String detail = "the field \"%s\" is given twice%s".formatted(twice, where);
      return cast(
          respond(
              ProblemType.INVALID_REQUEST,
              detail,
              List.of(new FieldProblem(twice, "is given twice"))));
    }
    if (cause instanceof StreamConstraintsException limit && limit.getOriginalMessage() != null) {
      // Valid JSON over one of the reader's bounds (a name of more than 50,000 characters, a
      // number of more than 1,000 digits): not a syntax error for its caller to look for.
      String what = PARSER_SOURCE.matcher(limit.getOriginalMessage()).replaceAll(")");
      return cast(
          respond(
              ProblemType.INVALID_REQUEST,
              "The body is over a bound of the JSON reader" + where + ": " + what,
              List.of()));
    }
    return cast(
        respond(ProblemType.MALFORMED_JSON, "The body is not valid JSON" + where, List.of()));
  }

  /** Where Jackson says a bound comes from: a method of its own, meaningless to a caller. */
  private static final Pattern PARSER_SOURCE = Pattern.compile(", from `[^`]*`\\)");

  /**
   * A body of a type the operation does not read: the answer names the types it does (Spring's own
   * says only which one it refused), such as {@code application/json, application/*+json}.
   */
  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      HttpMediaTypeNotSupportedException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String accepted =
        e.getSupportedMediaTypes().stream()
            .filter(type -> !type.isWildcardType() && !"*".equals(type.getSubtype()))
            .map(type -> type.getType() + "/" + type.getSubtype())
            .distinct()
            .collect(Collectors.joining(", "));
    if (!accepted.isEmpty()) {
      MediaType type = e.getContentType();
      // Null also when the header names a charset Java does not know ("charset=x-nope").
      String header = request.getHeader(HttpHeaders.CONTENT_TYPE);
      String sent =
          type != null
              ? "'" + type.getType() + "/" + type.getSubtype() + "'"
              : header == null || header.isBlank()
                  ? "none"
                  : "'" + (header.length() <= 100 ? header : header.substring(0, 100) + "…") + "'";
      e.getBody()
          .setDetail(
              "This operation reads a body of Content-Type %s, not %s".formatted(accepted, sent));
    }
    return super.handleHttpMediaTypeNotSupported(e, headers, status, request);
  }

  /** A path nothing answers: said plainly, not as Spring's "No static resource". */
  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(
      NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    // The path as asked: the resource path has lost what made it unserved ("//v1/sendouts" named
    // "/v1/sendouts", which is served).
    String path =
        request instanceof ServletWebRequest servlet
            ? servlet.getRequest().getRequestURI()
            : "/" + e.getResourcePath();
    return cast(respond(ProblemType.NOT_FOUND, "Nothing is served at " + path, List.of()));
  }

  /**
   * What is wrong with the value at a binding error's path: a field this engine does not know, or a
   * value of the wrong JSON type, which the caller would otherwise take for a misspelt field.
   */
  public static String problem(DatabindException bind) {
    if (bind instanceof PropertyBindingException) {
      return "unknown field";
    }
    if (bind instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      Class<?> type = mismatch.getTargetType();
      if (CharSequence.class.isAssignableFrom(type)) {
        return "must be a string";
      }
      if (type.isArray() || Collection.class.isAssignableFrom(type)) {
        return "must be an array";
      }
      if (Number.class.isAssignableFrom(type)
          || type == int.class
          || type == long.class
          || type == double.class) {
        return "must be a number";
      }
      if (type == Boolean.class || type == boolean.class) {
        return "must be true or false";
      }
      if (Map.class.isAssignableFrom(type) || type.isRecord()) {
        return "must be an object";
      }
    }
    return "unexpected value";
  }

  /**
   * Gives the problems Spring MVC writes for its own exceptions (405, 406, 415, a missing
   * header...) this API's type for their status, instead of {@code about:blank}.
   */
  @Override
  protected ResponseEntity<Object> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
    if (body instanceof ProblemDetail problem
        && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
      ProblemType type = ProblemType.forStatus(statusCode.value());
      problem.setType(type.uri());
      problem.setTitle(type.title());
    }
    return super.createResponseEntity(body, headers, statusCode, request);
  }

  public static String pointer(List<JacksonException.Reference> path) {
    StringBuilder pointer = new StringBuilder();
    for (JacksonException.Reference ref : path) {
      pointer.append('/');
      pointer.append(
          ref.getPropertyName() != null
              ? ref.getPropertyName().replace("~", "~0").replace("/", "~1")
              : String.valueOf(ref.getIndex()));
    }
    return pointer.toString();
  }

  static ResponseEntity<ProblemDetail> respond(
      ProblemType type, String detail, List<FieldProblem> errors) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(type.status(), detail);
    body.setType(type.uri());
    body.setTitle(type.title());
    if (!errors.isEmpty()) {
      body.setProperty("errors", errors);
    }
    return ResponseEntity.status(type.status()).body(body);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> response) {
    return (ResponseEntity) response;
  }
}
