package dev.sendout.sandbox.vonage.statuses;

/**
 * The body of {@code PUT /sandbox/vonage/statuses}. Every field is optional: a missing field keeps
 * its current value, so a test can raise one rate without restating the others.
 */
public record StatusesUpdate(
    String webhookUrl,
    Long delayMs,
    Double silenceRate,
    Double rejectedRate,
    Double undeliverableRate,
    Double submittedRate,
    Integer duplicates,
    Integer maxAttempts,
    Long retryInitialBackoffMs,
    Long maxPendingStatuses,
    Long seed) {

  StatusSettings applyTo(StatusSettings current) {
    return new StatusSettings(
        or(webhookUrl, current.webhookUrl()),
        or(delayMs, current.delayMs()),
        or(silenceRate, current.silenceRate()),
        or(rejectedRate, current.rejectedRate()),
        or(undeliverableRate, current.undeliverableRate()),
        or(submittedRate, current.submittedRate()),
        or(duplicates, current.duplicates()),
        or(maxAttempts, current.maxAttempts()),
        or(retryInitialBackoffMs, current.retryInitialBackoffMs()),
        or(maxPendingStatuses, current.maxPendingStatuses()),
        or(seed, current.seed()));
  }

  private static <T> T or(T update, T current) {
    return update != null ? update : current;
  }
}
