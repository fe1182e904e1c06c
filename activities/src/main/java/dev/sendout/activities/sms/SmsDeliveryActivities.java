package dev.sendout.activities.sms;

import dev.sendout.activities.delivery.SendOutcome;
import dev.sendout.activities.delivery.SendRecorder;
import dev.sendout.activities.store.MessageStore;
import dev.sendout.activities.store.OutgoingMessage;
import dev.sendout.activities.store.SendoutStore;
import dev.sendout.workflows.batch.DeliveryActivities;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.sendout.SendTally;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * SMS delivery: claims the released messages of a range (one message, as the batch workflow calls
 * it), sends each in a Vonage request of its own and records the outcome. Registered on the SMS
 * task queue, whose activity rate limit is Vonage's request rate limit.
 *
 * <p>The same claim protects against double sends as for email: a message Vonage may have taken (a
 * read timeout, or a worker that died mid-call and left its claim behind) becomes UNCONFIRMED and
 * is never resent on its own.
 */
@Component
public class SmsDeliveryActivities implements DeliveryActivities {

  private static final Logger log = LoggerFactory.getLogger(SmsDeliveryActivities.class);

  private final SendoutStore sendouts;
  private final MessageStore messages;
  private final VonageSender vonage;
  private final SendRecorder recorder;

  public SmsDeliveryActivities(
      SendoutStore sendouts, MessageStore messages, VonageSender vonage, SendRecorder recorder) {
    this.sendouts = sendouts;
    this.messages = messages;
    this.vonage = vonage;
    this.recorder = recorder;
  }

  @Override
  public SendTally sendBatch(SendBatch batch) {
    UUID sendoutId = UUID.fromString(batch.sendoutId());
    try (var sendoutMdc = MDC.putCloseable("sendoutId", batch.sendoutId());
        var batchMdc = MDC.putCloseable("batch", String.valueOf(batch.batchNo()))) {
      List<OutgoingMessage> claimed =
          messages.claimForSend(sendoutId, batch.batchNo(), batch.fromSeq(), batch.toSeq());
      if (!claimed.isEmpty()) {
        send(sendouts.content(sendoutId, SmsContent.class), claimed);
      }
      return messages.tally(sendoutId, batch.fromSeq(), batch.toSeq());
    }
  }

  private void send(SmsContent content, List<OutgoingMessage> claimed) {
    for (int i = 0; i < claimed.size(); i++) {
      OutgoingMessage message = claimed.get(i);
      SendOutcome outcome = vonage.send(content, message);
      log.debug("Vonage call for message {}: {}", message.id(), outcome.kind());
      if (outcome.retryable()) {
        // The rest were never tried: release them with this one for the activity's retry.
        List<UUID> untried =
            claimed.subList(i + 1, claimed.size()).stream().map(OutgoingMessage::id).toList();
        if (!untried.isEmpty()) {
          messages.unclaim(untried, "Not tried: " + outcome.reason());
        }
      }
      recorder.record(List.of(message.id()), outcome);
    }
  }
}
