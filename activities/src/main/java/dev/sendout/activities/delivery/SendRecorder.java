package dev.sendout.activities.delivery;

import dev.sendout.activities.store.MessageStore;
import dev.sendout.workflows.batch.DeliveryFailure;
import io.temporal.failure.ApplicationFailure;
import java.util.Collection;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Records what one provider call did with the messages it carried, the same way for every channel.
 * When the provider certainly took none of them, the messages are released for the retry and the
 * activity fails with the retryable failure type the batch workflow's retry policy expects; a 429
 * sets the retry's delay.
 */
@Component
public class SendRecorder {

  private final MessageStore messages;

  public SendRecorder(MessageStore messages) {
    this.messages = messages;
  }

  public void record(Collection<UUID> ids, SendOutcome outcome) {
    switch (outcome.kind()) {
      case ACCEPTED -> messages.markAccepted(ids, outcome.providerMessageId());
      case REJECTED -> messages.markFailed(ids, outcome.reason());
      case IN_DOUBT -> messages.markUnconfirmed(ids, outcome.reason());
      case THROTTLED -> {
        messages.unclaim(ids, outcome.reason());
        throw ApplicationFailure.newFailureWithCauseAndDelay(
            outcome.reason(),
            DeliveryFailure.PROVIDER_THROTTLED.name(),
            null,
            outcome.retryAfter());
      }
      case UNAVAILABLE -> {
        messages.unclaim(ids, outcome.reason());
        throw ApplicationFailure.newFailure(
            outcome.reason(), DeliveryFailure.PROVIDER_UNAVAILABLE.name());
      }
    }
  }
}
