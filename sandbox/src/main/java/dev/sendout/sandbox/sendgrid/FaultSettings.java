package dev.sendout.sandbox.sendgrid;

import dev.sendout.sandbox.faults.FaultModes;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The fault modes of the fake SendGrid, used both for start-up properties and for the JSON of
 * {@code GET /sandbox/sendgrid/faults}.
 *
 * @param latencyMs how long every mail send waits before it answers
 * @param throttleRate the share of mail sends answered 429, from 0 to 1
 * @param serverErrorRate the share of mail sends answered 500, from 0 to 1
 * @param retryAfterSeconds how far in the future a 429 puts {@code X-RateLimit-Reset}
 * @param failNextRequests forced failures still to be served, or null when there are none
 * @param rejectCredentials whether every mail send is answered 401 as for a revoked API key
 */
public record FaultSettings(
    @DefaultValue("0") long latencyMs,
    @DefaultValue("0") double throttleRate,
    @DefaultValue("0") double serverErrorRate,
    @DefaultValue("1") int retryAfterSeconds,
    FailNextRequests failNextRequests,
    @DefaultValue("false") boolean rejectCredentials)
    implements FaultModes {

  public FaultSettings {
    // An exhausted countdown is normalised to null so that GET shows plainly that none is pending.
    if (failNextRequests != null && failNextRequests.count() <= 0) {
      failNextRequests = null;
    }
  }

  /** Returns these settings with one forced failure used up. */
  FaultSettings consumeForcedFailure() {
    if (failNextRequests == null) {
      return this;
    }
    return withFailNextRequests(
        new FailNextRequests(failNextRequests.status(), failNextRequests.count() - 1));
  }

  FaultSettings withFailNextRequests(FailNextRequests replacement) {
    return new FaultSettings(
        latencyMs,
        throttleRate,
        serverErrorRate,
        retryAfterSeconds,
        replacement,
        rejectCredentials);
  }
}
