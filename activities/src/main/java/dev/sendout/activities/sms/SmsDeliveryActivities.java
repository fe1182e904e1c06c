package dev.sendout.activities.sms;

import dev.sendout.activities.delivery.BatchRun;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.delivery.ContentKey;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.delivery.PauseCheck;
import dev.sendout.core.delivery.SendOutcome;
import dev.sendout.core.delivery.SendRecorder;
import dev.sendout.core.delivery.WindowHold;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.window.DeliveryWindow;
import dev.sendout.core.window.TimeZones;
import dev.sendout.workflows.batch.DeliveryActivities;
import dev.sendout.workflows.batch.DeliveryFailure;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.sendout.SendTally;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * SMS delivery: for each message of a range (up to {@code SmsChannel.MESSAGES_PER_CALL}) still to
 * send, waits for a free slot under Vonage's rate limit, claims the message if it is still
 * RELEASED, sends it in a Vonage request of its own and records the outcome. Registered on the SMS
 * task queue.
 *
 * <p>The same claim protects against double sends as for email: a message Vonage may have taken (a
 * read timeout, or a worker that died mid-call and left its claim behind) becomes UNCONFIRMED and
 * is never resent on its own. Only the message being sent is claimed, and only after its wait, so a
 * killed worker leaves at most the message of each call's request in flight in doubt, and a retried
 * call goes on from the first message still RELEASED. After each message the call heartbeats (a
 * dead worker's call is retried after the heartbeat timeout) and, before the next, looks whether
 * the sendout was paused, so that a pause stops the sends within one message, as it did when each
 * message was a call of its own.
 */
@Component
public class SmsDeliveryActivities implements DeliveryActivities {

  private static final Logger log = LoggerFactory.getLogger(SmsDeliveryActivities.class);

  private final SendoutStore sendouts;
  private final DeliveryStore deliveries;
  private final VonageSender vonage;
  private final SendRecorder recorder;
  private final SendPacer pacer;

  public SmsDeliveryActivities(
      SendoutStore sendouts,
      DeliveryStore deliveries,
      VonageSender vonage,
      SendRecorder recorder,
      SendPacer pacer) {
    this.sendouts = sendouts;
    this.deliveries = deliveries;
    this.vonage = vonage;
    this.recorder = recorder;
    this.pacer = pacer;
  }

  @Override
  public SendTally sendBatch(SendBatch batch) {
    return BatchRun.run(batch, sendouts, deliveries, sendoutId -> sendEach(sendoutId, batch));
  }

  /**
   * A message Vonage did not take (a 5xx or 401 answer, or no connection: nothing was sent; an
   * answer that never came leaves it in doubt, never tried again) is tried again within the call
   * this many times in all before the call fails: a failed call is retried by Temporal after a
   * backoff that grows with every attempt, made progress or not, and with one request in two
   * failing, a call of 50 sent one message a minute (fault drill: 40 SMS took over six minutes).
   */
  static final int TRIES_WHILE_UNAVAILABLE = 3;

  /**
   * The pause between those tries: long enough not to hammer a provider that is down (three tries a
   * call), short beside the pace, since every failure of a call's messages pauses the call.
   */
  static final Duration PAUSE_WHILE_UNAVAILABLE = Duration.ofMillis(250);

  /** What became of a message's turn. */
  private enum Turn {
    /** Sent, its outcome recorded. */
    SENT,
    /** Settled meanwhile (suppressed, cancelled): nothing to send. */
    SETTLED,
    /** Its window closed: not claimed, and the store is to hold it and the rest. */
    WINDOW_CLOSED
  }

  /** When a call that sent some before Vonage kept refusing one is retried. */
  static final Duration RETRY_AFTER_PROGRESS = Duration.ofSeconds(1);

  /**
   * Sends the batch's messages one by one, each claimed after its wait for a turn, right before its
   * own request. A call that sent some before Vonage kept refusing one is retried after a second,
   * not after its attempt's backoff.
   */
  private void sendEach(UUID sendoutId, SendBatch batch) {
    Map<ContentKey, SmsContent> contents = new HashMap<>();
    ActivityExecutionContext activity = Activity.getExecutionContext();
    // Judged at the call's start, and for each message right before its claim (sendOne): the calls
    // of a sendout start together and send at Vonage's pace, so judged only at their start, a
    // window that closed while they sent let up to a call's length of messages out after it; judged
    // once a second, up to a second's (21 SMS, 0.76 s late, in a survey-features sweep).
    DeliveryWindow window = deliveries.window(sendoutId);
    Instant heldUntil = deliveries.holdOutsideWindows(sendoutId, batch.fromSeq(), batch.toSeq());
    boolean first = true;
    boolean sentAny = false;
    Iterator<DeliveryStore.Unsent> left =
        deliveries.toSend(sendoutId, batch.batchNo(), batch.fromSeq(), batch.toSeq()).iterator();
    while (left.hasNext()) {
      DeliveryStore.Unsent unsent = left.next();
      int seq = unsent.seq();
      boolean windowClosed = false;
      for (int tries = 1; ; tries++) {
        if (!first) {
          activity.heartbeat(seq);
          PauseCheck.refuseWhilePaused(sendouts, sendoutId); // the first was checked before it
        }
        first = false;
        try {
          Turn turn = sendOne(sendoutId, batch, unsent, contents, window);
          sentAny |= turn == Turn.SENT;
          windowClosed = turn == Turn.WINDOW_CLOSED;
          break;
        } catch (ApplicationFailure e) {
          if (!DeliveryFailure.PROVIDER_UNAVAILABLE.name().equals(e.getType())) {
            throw e;
          }
          if (tries == TRIES_WHILE_UNAVAILABLE) {
            throw sentAny
                ? ApplicationFailure.newBuilder(e).setNextRetryDelay(RETRY_AFTER_PROGRESS).build()
                : e;
          }
          pause();
        }
      }
      if (windowClosed) {
        // The store holds it and the others of the zones whose window has closed; the call goes
        // on with the rest without them, which would each take a turn under Vonage's limit, shared
        // by every call of this worker, only to find they cannot be claimed.
        heldUntil =
            earlier(heldUntil, deliveries.holdOutsideWindows(sendoutId, seq, batch.toSeq()));
        left = deliveries.toSend(sendoutId, batch.batchNo(), seq, batch.toSeq()).iterator();
      }
    }
    WindowHold.refuseIfHeld(heldUntil, Instant.now());
  }

  /** The earlier of two times, either of which may be null (none). */
  private static Instant earlier(Instant a, Instant b) {
    return a == null || b != null && b.isBefore(a) ? b : a;
  }

  /**
   * Sends one message if it is still to send and its window is open, after its turn; throws as
   * {@link SendRecorder#record} does when Vonage did not take it.
   */
  private Turn sendOne(
      UUID sendoutId,
      SendBatch batch,
      DeliveryStore.Unsent unsent,
      Map<ContentKey, SmsContent> contents,
      DeliveryWindow window) {
    int seq = unsent.seq();
    // The store's checks and the content before the wait: the wait absorbs their time, and only
    // the claim lies between it and the request (their jitter put 31 requests into a second).
    deliveries.check(sendoutId, seq, seq + 1);
    SmsContent content =
        contents.computeIfAbsent(
            unsent.content(), key -> sendouts.content(sendoutId, key, SmsContent.class));
    awaitTurn();
    if (window != null && !window.isOpen(Instant.now(), TimeZones.stored(unsent.timeZone()))) {
      return Turn.WINDOW_CLOSED; // its turn goes unused
    }
    List<OutgoingMessage> claimed =
        deliveries.claimChecked(sendoutId, batch.batchNo(), seq, seq + 1);
    if (claimed.isEmpty()) {
      return Turn.SETTLED; // settled meanwhile (suppressed, cancelled): its turn goes unused
    }
    OutgoingMessage message = claimed.get(0);
    SendOutcome outcome = vonage.send(content, message);
    log.debug("Vonage call for message {}: {}", message.id(), outcome.kind());
    recorder.record(List.of(message.id()), outcome);
    return Turn.SENT;
  }

  private static void pause() {
    try {
      Thread.sleep(PAUSE_WHILE_UNAVAILABLE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "Worker stopping before the send", DeliveryFailure.PROVIDER_UNAVAILABLE.name());
    }
  }

  /**
   * Waits for this worker's next slot under Vonage's limit, right before the claim and the request,
   * so that little between the wait and the send can bunch requests up. The message is not claimed
   * yet: a worker stopped (or killed) while it waits leaves it to the retry to send.
   */
  private void awaitTurn() {
    try {
      pacer.awaitTurn();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "Worker stopping before the send", DeliveryFailure.PROVIDER_UNAVAILABLE.name());
    }
  }
}
