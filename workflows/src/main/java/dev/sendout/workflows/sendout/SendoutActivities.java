package dev.sendout.workflows.sendout;

import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.receipt.DeliveryTally;
import io.temporal.activity.ActivityInterface;
import java.time.Instant;
import java.util.List;

/** Store operations on the sendout as a whole. All are idempotent, so retries are safe. */
@ActivityInterface
public interface SendoutActivities {

  /**
   * Moves every QUEUED message to RELEASED and records the release time on the sendout. Given a
   * {@code releaseId} (a sendout with a delivery window, from version 1 of {@code quiet-hours}), it
   * releases only the messages whose window is open now, marks the others as waiting for it, and
   * answers which it released and when the next window opens. With {@code keepSent} a sendout
   * recorded SENT stays so ({@link Released#keptSent}), for a round that sends in the same workflow
   * task.
   */
  Released release(ReleaseSendout input);

  /** Records that every message has left our hands. */
  void markSent(MarkSent input);

  /**
   * Records that messages are being sent again: a round's release kept the sendout SENT ({@link
   * ReleaseSendout#keepSent}), and its send did not end in the workflow task.
   */
  void markSending(MarkSending input);

  /**
   * Records that every message is settled. With {@link MarkCompleted#queuedFirst}, a sendout that
   * may still send and has messages QUEUED (recipients added as its run finished) is not completed:
   * the answer is their ranges, for the run to send first. Otherwise the answer is where all the
   * sendout's messages stand (null from the activity before it answered anything, in the histories
   * of older runs).
   */
  Completion markCompleted(MarkCompleted input);

  /**
   * Applies a support action to the sendout's record and its messages, and writes it to the audit
   * trail, in one transaction.
   */
  ActionApplied applyAction(ApplyAction input);

  /**
   * Works out the sendout's next reminder wave. Given a {@code waveId} and a {@code dueAt} that has
   * come, it first creates that wave: a QUEUED reminder message, under new sequence numbers, for
   * every eligible recipient whose reminder is due within an hour of {@code dueAt}, in one
   * statement. Idempotent by {@code waveId}: a retry answers with the messages the attempt that
   * committed created.
   */
  ReminderWave remind(RemindWave input);

  /**
   * The survey closed: every message not yet handed to a provider call is CANCELLED with the reason
   * "survey closed". Returns how many.
   */
  int close(CloseSendout input);

  /**
   * Cancels the QUEUED messages of a wave that {@link #remind} made while the reminders were
   * cancelled or the survey closed, which the workflow therefore does not send. Idempotent.
   */
  int dropWave(DropWave input);

  /**
   * The one SendGrid call of an email sendout's only batch, made as a local activity in the
   * workflow task that starts the batch ({@code local-small-send}); it sends exactly as the email
   * delivery activity does ({@link dev.sendout.workflows.batch.DeliveryActivities#sendBatch}). It
   * is here because a local activity runs in the worker that runs the workflow, and every worker
   * that runs sendouts registers these activities on the workflow queue (the release and the marks
   * are local activities too); a local activity of a type the worker lacks would fail the workflow
   * task over and over instead of failing the call.
   */
  SendTally sendEmailBatch(SendBatch call);

  /**
   * @param waveId names the wave to create; null to only work out when the next is due
   * @param dueAt when the wave was due; it takes every recipient due within an hour of it
   * @param skipped a bit per reminder index support staff skipped
   */
  record RemindWave(String sendoutId, String waveId, Instant dueAt, int skipped) {}

  /**
   * @param messages the wave's reminder messages, QUEUED; null when it created none
   * @param nextAt when the next wave is due; null when no reminder is pending
   * @param nextIndex the reminder (0-based) the next wave is for; -1 when none
   */
  record ReminderWave(SeqRange messages, Instant nextAt, int nextIndex) {}

  record CloseSendout(String sendoutId) {}

  record DropWave(String sendoutId, SeqRange messages) {}

  /**
   * @param releaseId names a release within delivery windows, so that a retry answers as the
   *     attempt that committed; null for a release of every QUEUED message
   * @param rangeSize the widest range of sequence numbers one range of {@code released} may span
   * @param dueAt for a release within windows, the workflow's time it is due at: windows are judged
   *     at the later of it and the store's clock, so that a worker whose clock lags the timer that
   *     fired does not find the window still closed and send the workflow round again
   * @param keepSent whether a sendout recorded SENT stays SENT (and is not moved to SENDING): the
   *     workflow sends what this releases in the same workflow task, and records SENDING only if
   *     that send does not end there ({@link #markSending}); not for a release within windows
   * @param only for a release of added recipients, the ranges the workflow plans: QUEUED messages
   *     outside them (added, and not handed to the workflow yet) stay QUEUED; null releases every
   *     QUEUED message (the first release, and inputs recorded before the field)
   */
  record ReleaseSendout(
      String sendoutId,
      String releaseId,
      int rangeSize,
      Instant dueAt,
      boolean keepSent,
      List<SeqRange> only) {

    public ReleaseSendout(String sendoutId, boolean keepSent, List<SeqRange> only) {
      this(sendoutId, null, 0, null, keepSent, only);
    }

    public ReleaseSendout(String sendoutId) {
      this(sendoutId, false, null);
    }
  }

  /**
   * @param messageCount all of the sendout's messages, released now or before
   * @param released for a release within windows, the ranges of sequence numbers it released, each
   *     at most {@code rangeSize} wide; null otherwise
   * @param nextWindowOpening for a release within windows, when the window next opens for messages
   *     it left waiting; null when none waits
   * @param keptSent whether the sendout was recorded SENT and stays so ({@link
   *     ReleaseSendout#keepSent}); false in results recorded before the field
   * @param releasedBefore for a release within windows, whether messages of the sendout had been
   *     released before it, by an earlier run the watchdog restarted this one after; false in
   *     results recorded before the field
   */
  record Released(
      int messageCount,
      List<SeqRange> released,
      Instant nextWindowOpening,
      boolean keptSent,
      boolean releasedBefore) {

    public Released(int messageCount, boolean keptSent) {
      this(messageCount, null, null, keptSent, false);
    }
  }

  record MarkSent(String sendoutId, SendTally tally) {}

  record MarkSending(String sendoutId) {}

  /**
   * @param queuedFirst answer messages still QUEUED instead of completing ({@link #markCompleted});
   *     false from a run that completes regardless, and from a workflow code before it was asked
   */
  record MarkCompleted(String sendoutId, DeliveryTally tally, boolean queuedFirst) {}

  /**
   * @param queued the ranges of messages still QUEUED ({@link MarkCompleted#queuedFirst}): the
   *     sendout was not completed; empty when it was
   * @param unsent the ranges of messages RELEASED that no provider call took, which no batch of the
   *     run will send (a run that stopped released them): the sendout was not completed; empty when
   *     it was, null in a history recorded before the store answered them
   * @param inFlight with nothing QUEUED or unsent, the messages still in a provider call or
   *     awaiting their receipts though every batch of the run has settled: a batch of the run
   *     before it (which stopped) has them, and the sendout was not completed; 0 when it was
   * @param inFlightSentAt when the last of those in flight was sent; null when none is
   * @param messages once completed, where all the sendout's messages stand, those of its earlier
   *     runs too (a run reopened for a resend, or restarted by the watchdog, counts only its own):
   *     the details show them; null when not completed
   * @param messageCount once completed, the sendout's messages, whatever their status
   */
  record Completion(
      List<SeqRange> queued,
      List<SeqRange> unsent,
      int inFlight,
      Instant inFlightSentAt,
      DeliveryTally messages,
      int messageCount) {

    public static Completion notYet(
        List<SeqRange> queued, List<SeqRange> unsent, int inFlight, Instant inFlightSentAt) {
      return new Completion(queued, unsent, inFlight, inFlightSentAt, null, 0);
    }

    public static Completion done(DeliveryTally messages, int messageCount) {
      return new Completion(List.of(), List.of(), 0, null, messages, messageCount);
    }

    /** The unsent ranges, none in a history recorded before they were answered. */
    public List<SeqRange> unsentOrNone() {
      return unsent == null ? List.of() : unsent;
    }
  }

  /**
   * @param actionId identifies the action (the Update's id), so that a retried activity records it
   *     once
   * @param rangeSize for a resend, the widest range of sequence numbers one resend batch may span
   */
  record ApplyAction(
      String sendoutId,
      String actionId,
      SupportActionType type,
      SupportAction action,
      int rangeSize) {}

  /**
   * @param messages how many messages the action affected
   * @param resend for a resend, the ranges to send again, each at most {@code rangeSize} wide
   */
  record ActionApplied(int messages, List<SeqRange> resend) {}
}
