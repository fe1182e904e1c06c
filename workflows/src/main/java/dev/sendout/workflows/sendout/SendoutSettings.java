package dev.sendout.workflows.sendout;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings a sendout runs with, fixed when its workflow starts so that replays see the same values.
 *
 * @param batchSize messages per batch; SendGrid takes at most 1,000 personalizations per request
 * @param maxBatchesInFlight how many batch workflows send at once, which bounds the provider load
 *     and the memory a sendout takes whatever its size
 * @param deliveryTaskQueue the channel's activity task queue, where the provider rate limit lives
 * @param continueAsNewAfterEvents history length after which the workflow continues as new, well
 *     below Temporal's limits
 * @param receiptTimeout how long an accepted message may wait for the provider's receipt before it
 *     is flagged UNCONFIRMED
 * @param messagesPerCall messages one delivery activity sends: a whole batch for email (one
 *     SendGrid request), 50 for SMS (one paced Vonage request each; 1 in sendouts started before
 *     SMS calls carried several)
 * @param releaseGrace how long after the send time (or after being added) messages may stay
 *     unreleased before the sendout is flagged {@code NOT_RELEASED}
 */
public record SendoutSettings(
    int batchSize,
    int maxBatchesInFlight,
    String deliveryTaskQueue,
    int continueAsNewAfterEvents,
    Duration receiptTimeout,
    int messagesPerCall,
    Duration releaseGrace) {

  public SendoutSettings {
    if (batchSize < 1 || batchSize > 1000) {
      throw new IllegalArgumentException("batchSize must be within 1..1000");
    }
    if (maxBatchesInFlight < 1) {
      throw new IllegalArgumentException("maxBatchesInFlight must be positive");
    }
    Objects.requireNonNull(receiptTimeout, "receiptTimeout");
    Objects.requireNonNull(releaseGrace, "releaseGrace");
    if (receiptTimeout.isNegative() || receiptTimeout.isZero()) {
      throw new IllegalArgumentException("receiptTimeout must be positive");
    }
    if (messagesPerCall < 1 || messagesPerCall > batchSize) {
      throw new IllegalArgumentException("messagesPerCall must be within 1..batchSize");
    }
    if (releaseGrace.isNegative()) {
      throw new IllegalArgumentException("releaseGrace must not be negative");
    }
  }
}
