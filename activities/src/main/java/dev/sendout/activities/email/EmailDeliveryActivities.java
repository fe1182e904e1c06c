package dev.sendout.activities.email;

import dev.sendout.activities.delivery.BatchRun;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.delivery.ContentKey;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.delivery.SendOutcome;
import dev.sendout.core.delivery.SendRecorder;
import dev.sendout.core.delivery.WindowHold;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.batch.DeliveryActivities;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.sendout.SendTally;
import java.time.Instant;
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
          Instant heldUntil =
              deliveries.holdOutsideWindows(sendoutId, batch.fromSeq(), batch.toSeq());
          List<OutgoingMessage> claimed =
              deliveries.claimForSend(sendoutId, batch.batchNo(), batch.fromSeq(), batch.toSeq());
          // One SendGrid request carries one content: a batch's invitations, each reminder's and
          // the thank-yous go in requests of their own (a wave's batch normally holds one).
          Map<ContentKey, List<OutgoingMessage>> byContent = new LinkedHashMap<>();
          for (OutgoingMessage message : claimed) {
            byContent.computeIfAbsent(message.content(), k -> new ArrayList<>()).add(message);
          }
          List<List<OutgoingMessage>> groups = new ArrayList<>(byContent.values());
          List<ContentKey> keys = List.copyOf(byContent.keySet());
          for (int i = 0; i < groups.size(); i++) {
            EmailContent content;
            try {
              content = sendouts.content(sendoutId, keys.get(i), EmailContent.class);
            } catch (RuntimeException e) {
              throw giveBack(groups.subList(i, groups.size()), e);
            }
            try {
              settle(groups.get(i), sendGrid.send(content, groups.get(i)));
            } catch (RuntimeException e) {
              // This group's own outcome is recorded (or, if recording it failed, in doubt).
              throw giveBack(groups.subList(i + 1, groups.size()), e);
            }
          }
          WindowHold.refuseIfHeld(heldUntil, Instant.now());
        });
  }

  /**
   * Unclaims the groups of a batch that were claimed but never sent because a request before them
   * failed (a 429 or 5xx that the retry waits out, or the store away), so that the retry sends
   * them: left claimed, the retry would find them in flight and make them UNCONFIRMED, as if
   * SendGrid might have taken them.
   */
  private RuntimeException giveBack(List<List<OutgoingMessage>> unsent, RuntimeException failure) {
    List<UUID> ids = unsent.stream().flatMap(List::stream).map(OutgoingMessage::id).toList();
    if (!ids.isEmpty()) {
      try {
        deliveries.unclaim(ids, "Not sent: an earlier request of its batch failed");
      } catch (RuntimeException e) {
        failure.addSuppressed(e); // left claimed: the retry settles them as in doubt
      }
    }
    return failure;
  }

  private void settle(List<OutgoingMessage> claimed, SendOutcome outcome) {
    List<UUID> ids = claimed.stream().map(OutgoingMessage::id).toList();
    log.info("SendGrid call for {} messages: {}", ids.size(), outcome.kind());
    recorder.record(ids, outcome);
  }
}
