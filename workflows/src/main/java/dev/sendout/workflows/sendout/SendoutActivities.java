package dev.sendout.workflows.sendout;

import dev.sendout.workflows.receipt.DeliveryTally;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Store operations on the sendout as a whole. All are idempotent, so retries are safe. */
@ActivityInterface
public interface SendoutActivities {

  /** Moves every QUEUED message to RELEASED and records the release time on the sendout. */
  Released release(ReleaseSendout input);

  /** Records that every message has left our hands. */
  void markSent(MarkSent input);

  /** Records that every message is settled. */
  void markCompleted(MarkCompleted input);

  /**
   * Applies a support action to the sendout's record and its messages, and writes it to the audit
   * trail, in one transaction.
   */
  ActionApplied applyAction(ApplyAction input);

  record ReleaseSendout(String sendoutId) {}

  /** {@code messageCount} counts all of the sendout's messages, released now or before. */
  record Released(int messageCount) {}

  record MarkSent(String sendoutId, SendTally tally) {}

  record MarkCompleted(String sendoutId, DeliveryTally tally) {}

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
