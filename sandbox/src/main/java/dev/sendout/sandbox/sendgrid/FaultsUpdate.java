package dev.sendout.sandbox.sendgrid;

import dev.sendout.sandbox.faults.FaultModesUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code PUT /sandbox/sendgrid/faults}. Every field is optional: a missing field keeps
 * its current value, so a test can arm {@code failNextRequests} without restating the rates.
 */
public record FaultsUpdate(
    Long latencyMs,
    Double throttleRate,
    Double serverErrorRate,
    Integer retryAfterSeconds,
    FailNextRequests failNextRequests,
    Boolean rejectCredentials)
    implements FaultModesUpdate<FaultSettings, SendGridError> {

  /** Lists what is wrong with this update, in the same shape SendGrid uses for its own errors. */
  @Override
  public List<SendGridError> validate() {
    List<SendGridError> errors = new ArrayList<>();
    if (latencyMs != null && latencyMs < 0) {
      errors.add(SendGridError.of("latencyMs must not be negative.", "latencyMs"));
    }
    if (throttleRate != null && !isShare(throttleRate)) {
      errors.add(SendGridError.of("throttleRate must be between 0 and 1.", "throttleRate"));
    }
    if (serverErrorRate != null && !isShare(serverErrorRate)) {
      errors.add(SendGridError.of("serverErrorRate must be between 0 and 1.", "serverErrorRate"));
    }
    if (retryAfterSeconds != null && retryAfterSeconds < 0) {
      errors.add(SendGridError.of("retryAfterSeconds must not be negative.", "retryAfterSeconds"));
    }
    if (failNextRequests != null && failNextRequests.count() > 0) {
      int status = failNextRequests.status();
      if (status != 429 && (status < 500 || status > 599)) {
        errors.add(
            SendGridError.of(
                "failNextRequests.status must be 429 or a 5xx status.", "failNextRequests.status"));
      }
    }
    return errors;
  }

  /** Returns the current settings overridden by the fields present in this update. */
  @Override
  public FaultSettings applyTo(FaultSettings current) {
    return new FaultSettings(
        latencyMs != null ? latencyMs : current.latencyMs(),
        throttleRate != null ? throttleRate : current.throttleRate(),
        serverErrorRate != null ? serverErrorRate : current.serverErrorRate(),
        retryAfterSeconds != null ? retryAfterSeconds : current.retryAfterSeconds(),
        failNextRequests != null ? failNextRequests : current.failNextRequests(),
        rejectCredentials != null ? rejectCredentials : current.rejectCredentials());
  }

  private static boolean isShare(double value) {
    return value >= 0.0 && value <= 1.0;
  }
}
