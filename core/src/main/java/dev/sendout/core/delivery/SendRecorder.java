package dev.sendout.core.delivery;

import dev.sendout.workflows.batch.DeliveryFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.temporal.failure.ApplicationFailure;
import java.util.Collection;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Records what one provider call did with the messages it carried, the same way for every channel.
 * When the provider certainly took none of them, the messages are released for the retry and the
 * activity fails with the retryable failure type the batch workflow's retry policy expects; a 429
 * sets the retry's delay.
 *
 * <p>Every error answer or unanswered call is also counted, once per call (an email call carries up
 * to a thousand messages), as {@code sendout.provider.errors{provider,code}}: this is the one place
 * every outcome of every channel passes through.
 */
@Component
public class SendRecorder {

  private static final Logger log = LoggerFactory.getLogger(SendRecorder.class);

  private final DeliveryStore deliveries;
  private final MeterRegistry meters;

  /**
   * The apps have a registry (actuator's); a context without one, such as the activities' own
   * tests, counts into an empty composite, which keeps nothing.
   */
  @Autowired
  public SendRecorder(DeliveryStore deliveries, ObjectProvider<MeterRegistry> meters) {
    this(deliveries, meters.getIfAvailable(CompositeMeterRegistry::new));
  }

  SendRecorder(DeliveryStore deliveries, MeterRegistry meters) {
    this.deliveries = deliveries;
    this.meters = meters;
  }

  public void record(Collection<UUID> ids, SendOutcome outcome) {
    // Counted before the store is written, which may fail: the provider's error happened anyway.
    if (outcome.error() != null) {
      count(outcome.error());
    }
    switch (outcome.kind()) {
      case ACCEPTED -> deliveries.markAccepted(ids, outcome.providerMessageId());
      case REJECTED -> deliveries.markFailed(ids, outcome.reason());
      case IN_DOUBT -> deliveries.markUnconfirmed(ids, outcome.reason());
      case THROTTLED -> {
        deliveries.unclaim(ids, outcome.reason());
        throw retried(ids, outcome, DeliveryFailure.PROVIDER_THROTTLED);
      }
      case UNAVAILABLE -> {
        deliveries.unclaim(ids, outcome.reason());
        throw retried(ids, outcome, DeliveryFailure.PROVIDER_UNAVAILABLE);
      }
    }
  }

  /**
   * The failure that has Temporal retry a call the provider did not take, after one line saying
   * what the provider answered. It is of the benign category, which the SDK logs at DEBUG: it
   * logged every retry at WARN with a 27-line stack trace of this method (a drill saw 18 in three
   * minutes of a provider outage for three small sendouts), which told nothing this line does not.
   * The Web UI still shows it as the pending activity's last failure, the NOT_SENT finding names
   * it, and {@code sendout.provider.errors} counts it; the SDK's failure meters ({@code
   * temporal_activity_execution_failed}) leave benign failures out.
   */
  private static ApplicationFailure retried(
      Collection<UUID> ids, SendOutcome outcome, DeliveryFailure type) {
    log.warn(
        "A provider call not taken ({} {}), to be retried: {}",
        ids.size(),
        ids.size() == 1 ? "message" : "messages",
        outcome.reason());
    return DeliveryWait.retryAfter(outcome.reason(), type, outcome.retryAfter());
  }

  private void count(ProviderError error) {
    Counter.builder("sendout.provider.errors")
        .description("Provider calls answered with an error (code: HTTP status) or not at all")
        .tag("provider", error.provider())
        .tag("code", error.code())
        .register(meters)
        .increment();
  }
}
