package dev.sendout.sandbox.sendgrid;

import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Builds the answers of the mail send endpoint exactly as SendGrid words and shapes them. */
public final class SendGridResponses {

  static final String MESSAGE_ID_HEADER = "X-Message-Id";

  /** SendGrid's published limit for mail send; only its presence matters to clients. */
  private static final String RATE_LIMIT = "600";

  private static final String UNAUTHORIZED_BODY =
      "{\"errors\":[{\"message\":\"The provided authorization grant is invalid, expired, or"
          + " revoked\",\"field\":null,\"help\":null}]}";

  private static final String THROTTLED_BODY =
      "{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}";

  private static final String SERVER_ERROR_BODY =
      "{\"errors\":[{\"field\":null,\"message\":\"internal server error\",\"help\":null}]}";

  private static final String UNAVAILABLE_BODY =
      "{\"errors\":[{\"field\":null,\"message\":\"service unavailable\",\"help\":null}]}";

  private SendGridResponses() {}

  static ResponseEntity<Void> accepted(String xMessageId) {
    return ResponseEntity.accepted().header(MESSAGE_ID_HEADER, xMessageId).build();
  }

  static ResponseEntity<?> unauthorized() {
    return json(HttpStatus.UNAUTHORIZED.value(), UNAUTHORIZED_BODY);
  }

  public static ResponseEntity<?> badRequest(List<SendGridError> errors) {
    return ResponseEntity.badRequest()
        .contentType(MediaType.APPLICATION_JSON)
        .body(new SendGridErrors(errors));
  }

  static ResponseEntity<?> fault(InjectedFault fault) {
    if (fault.status() == HttpStatus.TOO_MANY_REQUESTS.value()) {
      return throttled(fault.retryAfterSeconds());
    }
    return serverError(fault.status());
  }

  static ResponseEntity<?> serverError(int status) {
    String body = status == 503 ? UNAVAILABLE_BODY : SERVER_ERROR_BODY;
    return json(status, body);
  }

  private static ResponseEntity<?> throttled(int retryAfterSeconds) {
    long reset = Instant.now().getEpochSecond() + retryAfterSeconds;
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .contentType(MediaType.APPLICATION_JSON)
        .header("X-RateLimit-Limit", RATE_LIMIT)
        .header("X-RateLimit-Remaining", "0")
        .header("X-RateLimit-Reset", Long.toString(reset))
        .body(THROTTLED_BODY);
  }

  private static ResponseEntity<?> json(int status, String body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
