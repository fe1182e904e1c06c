package dev.sendout.activities.email;

import dev.sendout.activities.delivery.BatchRun;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.delivery.ContentKey;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.delivery.SendOutcome;
import dev.sendout.core.delivery.SendRecorder;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.batch.DeliveryActivities;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.sendout.SendTally;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Email delivery: claims a batch's released messages, sends them in one SendGrid request and
 * records the outcome. Registered on the email task queue.
 *
 * <p>A message is resent automatically only when SendGrid certainly did not take it (429, 5xx, no
 * connection). When the outcome is unknown (read timeout, or a worker that died mid-call and left
 * the claim behind), the message becomes UNCONFIRMED and is never resent on its own: a duplicate
 * survey invitation is worse than one that support resends deliberately.
 */
@Component
public class EmailDeliveryActivities implements DeliveryActivities {

  private static final Logger log = LoggerFactory.getLogger(EmailDeliveryActivities.class);

  private final SendoutStore sendouts;
  private final DeliveryStore deliveries;
  private final SendGridSender sendGrid;
  private final SendRecorder recorder;

  public EmailDeliveryActivities(
      SendoutStore sendouts,
      DeliveryStore deliveries,
      SendGridSender sendGrid,
      SendRecorder recorder) {
    this.sendouts = sendouts;
    this.deliveries = deliveries;
    this.sendGrid = sendGrid;
    this.recorder = recorder;
  }

  @Override
  public SendTally sendBatch(SendBatch batch) {
    return BatchRun.run(
        batch,
        sendouts,
        deliveries,
        sendoutId -> {
          List<OutgoingMessage> claimed =
              deliveries.claimForSend(sendoutId, batch.batchNo(), batch.fromSeq(), batch.toSeq());
          // One SendGrid request carries one content: a batch's invitations, each reminder's and
          // the thank-yous go in requests of their own (a wave's batch normally holds one).
          Map<ContentKey, List<OutgoingMessage>> byContent = new LinkedHashMap<>();
          for (OutgoingMessage message : claimed) {
            byContent.computeIfAbsent(message.content(), k -> new ArrayList<>()).add(message);
          }
          byContent.forEach(
              (key, messages) -> {
                EmailContent content = sendouts.content(sendoutId, key, EmailContent.class);
                settle(messages, sendGrid.send(content, messages));
              });
        });
  }

  private void settle(List<OutgoingMessage> claimed, SendOutcome outcome) {
    List<UUID> ids = claimed.stream().map(OutgoingMessage::id).toList();
    log.info("SendGrid call for {} messages: {}", ids.size(), outcome.kind());
    recorder.record(ids, outcome);
  }
}
