package dev.sendout.sandbox.sendgrid.events;

/**
 * The body of {@code PUT /sandbox/sendgrid/receipts}. Every field is optional: a missing field
 * keeps its current value, so a test can raise one rate without restating the others.
 */
public record ReceiptsUpdate(
    String webhookUrl,
    Long deliveryDelayMs,
    Double silenceRate,
    Double dropRate,
    Double bounceRate,
    Double deferredRate,
    Double asyncBounceRate,
    Double outOfOrderRate,
    Double bounceWithoutCustomArgsRate,
    Integer duplicates,
    Integer batchSize,
    Long flushIntervalMs,
    Integer maxAttempts,
    Long retryInitialBackoffMs,
    Long maxPendingEvents) {

  /** Returns the current settings overridden by the fields present in this update. */
  ReceiptSettings applyTo(ReceiptSettings current) {
    return new ReceiptSettings(
        or(webhookUrl, current.webhookUrl()),
        or(deliveryDelayMs, current.deliveryDelayMs()),
        or(silenceRate, current.silenceRate()),
        or(dropRate, current.dropRate()),
        or(bounceRate, current.bounceRate()),
        or(deferredRate, current.deferredRate()),
        or(asyncBounceRate, current.asyncBounceRate()),
        or(outOfOrderRate, current.outOfOrderRate()),
        or(bounceWithoutCustomArgsRate, current.bounceWithoutCustomArgsRate()),
        or(duplicates, current.duplicates()),
        or(batchSize, current.batchSize()),
        or(flushIntervalMs, current.flushIntervalMs()),
        or(maxAttempts, current.maxAttempts()),
        or(retryInitialBackoffMs, current.retryInitialBackoffMs()),
        or(maxPendingEvents, current.maxPendingEvents()));
  }

  private static <T> T or(T update, T current) {
    return update != null ? update : current;
  }
}
