package dev.sendout.core.delivery;

import dev.sendout.workflows.batch.DeliveryFailure;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;

/**
 * How a delivery call ends to wait rather than because it failed: for a pause, a closed delivery
 * window, or a provider that did not take it ({@link SendRecorder} says what the provider answered
 * in a line of its own). An {@link ApplicationFailure} that Temporal retries after {@code delay}
 * (null: after the retry policy's backoff), of the benign category, which the SDK logs at DEBUG,
 * not as a warning with a stack trace at every retry. The pending activity in the Web UI still
 * shows it, with its message, as its last failure.
 */
public final class DeliveryWait {

  private DeliveryWait() {}

  public static ApplicationFailure retryAfter(
      String message, DeliveryFailure type, Duration delay) {
    return ApplicationFailure.newBuilder()
        .setMessage(message)
        .setType(type.name())
        .setNextRetryDelay(delay)
        .setCategory(ApplicationErrorCategory.BENIGN)
        .build();
  }
}
