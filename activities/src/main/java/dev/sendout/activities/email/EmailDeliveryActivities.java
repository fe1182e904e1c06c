package dev.sendout.activities.email;

import dev.sendout.activities.delivery.BatchRun;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.delivery.ContentKey;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.DeliveryWait;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.delivery.SendOutcome;
import dev.sendout.core.delivery.SendRecorder;
import dev.sendout.core.delivery.WindowHold;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.batch.DeliveryActivities;
import dev.sendout.workflows.batch.DeliveryFailure;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.sendout.SendTally;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Email delivery: claims a batch's released messages, sends them in a SendGrid request per content
 * (and per repeat of an address, {@link #requests}) and records the outcomes. Registered on the
 * email task queue.
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
    long started = System.nanoTime();
    return BatchRun.run(
        batch,
        sendouts,
        deliveries,
        sendoutId -> {
          Instant heldUntil =
              deliveries.holdOutsideWindows(sendoutId, batch.fromSeq(), batch.toSeq());
          List<OutgoingMessage> claimed =
              deliveries.claimForSend(sendoutId, batch.batchNo(), batch.fromSeq(), batch.toSeq());
          List<Request> requests = requests(claimed);
          Map<ContentKey, EmailContent> contents = new HashMap<>();
          ActivityExecutionContext activity = Activity.getExecutionContext();
          for (int i = 0; i < requests.size(); i++) {
            Request request = requests.get(i);
            if (i > 0) {
              try {
                beforeAnother(activity, started);
              } catch (RuntimeException e) {
                throw giveBack(requests.subList(i, requests.size()), e, STOPPED_BEFORE);
              }
            }
            EmailContent content;
            try {
              content =
                  contents.computeIfAbsent(
                      request.content(),
                      key -> sendouts.content(sendoutId, key, EmailContent.class));
            } catch (RuntimeException e) {
              throw giveBack(requests.subList(i, requests.size()), e, EARLIER_FAILED);
            }
            try {
              settle(request.messages(), sendGrid.send(content, request.messages()));
            } catch (RuntimeException e) {
              // This request's own outcome is recorded (or, if recording it failed, in doubt).
              throw giveBack(requests.subList(i + 1, requests.size()), e, EARLIER_FAILED);
            }
          }
          WindowHold.refuseIfHeld(heldUntil, Instant.now());
        });
  }

  /**
   * How long a call in the sendout's workflow task (a local activity, which cannot heartbeat) goes
   * on starting requests, from its start: one request may take 30 s (a pooled connection's wait and
   * a connect of 5 s each, a read of 20 s), and the call has 45 s ({@code BatchRun.SEND_TIMEOUT})
   * for its claim, its requests and their outcomes.
   */
  static final Duration REQUESTS_IN_TASK_FOR = Duration.ofSeconds(10);

  /**
   * Before each request of a call after its first: a call as an activity heartbeats, as each
   * request is bounded by the heartbeat timeout, not the call as a whole; a call in the workflow
   * task that has run {@link #REQUESTS_IN_TASK_FOR} stops, and the batch goes on as the activity.
   */
  private static void beforeAnother(ActivityExecutionContext activity, long startedNanos) {
    if (!activity.getInfo().isLocal()) {
      activity.heartbeat(null);
    } else if (System.nanoTime() - startedNanos > REQUESTS_IN_TASK_FOR.toNanos()) {
      throw DeliveryWait.retryAfter(
          "More requests than the workflow task has time for: the rest go as the activity",
          DeliveryFailure.REQUESTS_LEFT,
          null);
    }
  }

  /** One SendGrid request: its messages, of one content. */
  record Request(ContentKey content, List<OutgoingMessage> messages) {}

  /**
   * The SendGrid requests of a batch's claimed messages, in their order. A request carries one
   * content (a batch's invitations, each reminder's and the thank-yous go in requests of their own;
   * a wave's batch normally holds one) and names each address once: SendGrid refuses a request that
   * names one twice, whatever its case (400, "Each unique email address in the personalizations
   * array should only be included once"), which would fail every message of it, so the k-th message
   * of a content to one address (added again, or resent beside its first) goes in the content's
   * k-th request.
   */
  static List<Request> requests(List<OutgoingMessage> claimed) {
    Map<ContentKey, List<Request>> byContent = new LinkedHashMap<>();
    Map<ContentKey, Map<String, Integer>> repeats = new HashMap<>();
    for (OutgoingMessage message : claimed) {
      List<Request> ofContent =
          byContent.computeIfAbsent(message.content(), k -> new ArrayList<>());
      int k =
          repeats
                  .computeIfAbsent(message.content(), c -> new HashMap<>())
                  .merge(message.address().toLowerCase(Locale.ROOT), 1, Integer::sum)
              - 1;
      if (k == ofContent.size()) {
        ofContent.add(new Request(message.content(), new ArrayList<>()));
      }
      ofContent.get(k).messages().add(message);
    }
    return byContent.values().stream().flatMap(List::stream).toList();
  }

  /**
   * Unclaims the requests of a batch that were claimed but never sent because a request before them
   * failed (a 429 or 5xx that the retry waits out, or the store away), so that the retry sends
   * them: left claimed, the retry would find them in flight and make them UNCONFIRMED, as if
   * SendGrid might have taken them.
   */
  private static final String EARLIER_FAILED = "Not sent: an earlier request of its batch failed";

  private static final String STOPPED_BEFORE =
      "Not sent: its call stopped before its request (its worker stopping, or the workflow task's"
          + " time up); sent by the next";

  private RuntimeException giveBack(List<Request> unsent, RuntimeException failure, String why) {
    List<UUID> ids =
        unsent.stream()
            .flatMap(request -> request.messages().stream())
            .map(OutgoingMessage::id)
            .toList();
    if (!ids.isEmpty()) {
      try {
        deliveries.giveBack(ids, why);
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
