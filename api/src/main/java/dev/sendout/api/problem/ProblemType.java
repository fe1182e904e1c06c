package dev.sendout.api.problem;

import java.net.URI;
import org.springframework.http.HttpStatus;

/** The stable RFC 9457 problem types of this API: callers may switch on {@link #uri()}. */
public enum ProblemType {
  INVALID_REQUEST("invalid-request", HttpStatus.BAD_REQUEST, "The request is invalid"),
  MALFORMED_JSON("malformed-json", HttpStatus.BAD_REQUEST, "The body is not valid JSON"),
  BODY_TOO_LARGE("body-too-large", HttpStatus.PAYLOAD_TOO_LARGE, "The request body is too large"),
  BODY_TOO_SLOW("body-too-slow", HttpStatus.REQUEST_TIMEOUT, "The request body came too slowly"),
  NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "No such resource"),
  METHOD_NOT_ALLOWED(
      "method-not-allowed",
      HttpStatus.METHOD_NOT_ALLOWED,
      "The resource does not take this method"),
  NOT_ACCEPTABLE(
      "not-acceptable", HttpStatus.NOT_ACCEPTABLE, "The API answers application/json only"),
  UNSUPPORTED_MEDIA_TYPE(
      "unsupported-media-type",
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      "The request's Content-Type is not one this resource reads"),
  IDEMPOTENCY_KEY_REUSED(
      "idempotency-key-reused",
      HttpStatus.UNPROCESSABLE_CONTENT,
      "The Idempotency-Key was used for a different request"),
  SIGNATURE_MISSING(
      "signature-missing", HttpStatus.UNAUTHORIZED, "The webhook carries no provider signature"),
  SIGNATURE_INVALID(
      "signature-invalid",
      HttpStatus.FORBIDDEN,
      "The webhook's signature does not verify or is too old"),
  BEARER_INVALID(
      "bearer-invalid",
      HttpStatus.UNAUTHORIZED,
      "The webhook's bearer token does not verify, is too old, or does not match the body"),
  API_KEY_MISSING("api-key-missing", HttpStatus.UNAUTHORIZED, "The request carries no API key"),
  API_KEY_INVALID("api-key-invalid", HttpStatus.UNAUTHORIZED, "The API key is unknown or revoked"),
  ADMIN_TOKEN_INVALID(
      "admin-token-invalid", HttpStatus.UNAUTHORIZED, "The admin token is missing or wrong"),
  WRONG_STATE(
      "wrong-state",
      HttpStatus.CONFLICT,
      "The sendout is not in a state that allows this action; the detail says why"),
  ACTION_REFUSED(
      "action-refused",
      HttpStatus.UNPROCESSABLE_CONTENT,
      "The action's data could not be recorded, so it was not taken; the detail says why"),
  SENDOUT_FINISHED("sendout-finished", HttpStatus.CONFLICT, "The sendout is finished"),
  DUPLICATE_EXTERNAL_ID(
      "duplicate-external-id",
      HttpStatus.CONFLICT,
      "A recipient's externalId is already a recipient of the sendout; errors name it"),
  UNAVAILABLE(
      "unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable; retry later"),
  WORKFLOW_UNAVAILABLE(
      "workflow-unavailable",
      HttpStatus.SERVICE_UNAVAILABLE,
      "The sendout's workflow did not answer in time; retry later"),
  RATE_LIMITED(
      "rate-limited",
      HttpStatus.TOO_MANY_REQUESTS,
      "Over this tenant's rate limit; Retry-After says when to retry"),
  OVERLOADED(
      "overloaded",
      HttpStatus.TOO_MANY_REQUESTS,
      "The API is at capacity; Retry-After says when to retry"),
  INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

  private final URI uri;
  private final HttpStatus status;
  private final String title;

  ProblemType(String slug, HttpStatus status, String title) {
    this.uri = URI.create("urn:sendout:problem:" + slug);
    this.status = status;
    this.title = title;
  }

  /**
   * The type of an error raised by Spring or the servlet container rather than by this API's code,
   * by its status alone.
   */
  public static ProblemType forStatus(int status) {
    return switch (status) {
      case 400 -> INVALID_REQUEST;
      case 401 -> API_KEY_MISSING;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 408 -> BODY_TOO_SLOW;
      case 413 -> BODY_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> RATE_LIMITED;
      case 503 -> UNAVAILABLE;
      default -> status >= 500 ? INTERNAL : INVALID_REQUEST;
    };
  }

  public URI uri() {
    return uri;
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }
}
