package dev.sendout.workflows.sendout;

/**
 * Settings a sendout runs with, fixed when its workflow starts so that replays see the same values.
 *
 * @param batchSize messages per batch; SendGrid takes at most 1,000 personalizations per request
 * @param maxBatchesInFlight how many batch workflows run at once, which bounds the provider load
 *     and the memory a sendout takes whatever its size
 * @param deliveryTaskQueue the channel's activity task queue, where the provider rate limit lives
 * @param continueAsNewAfterEvents history length after which the workflow drains its running
 *     batches and continues as new, well below Temporal's limits
 */
public record SendoutSettings(
    int batchSize, int maxBatchesInFlight, String deliveryTaskQueue, int continueAsNewAfterEvents) {

  public SendoutSettings {
    if (batchSize < 1 || batchSize > 1000) {
      throw new IllegalArgumentException("batchSize must be within 1..1000");
    }
    if (maxBatchesInFlight < 1) {
      throw new IllegalArgumentException("maxBatchesInFlight must be positive");
    }
  }
}
