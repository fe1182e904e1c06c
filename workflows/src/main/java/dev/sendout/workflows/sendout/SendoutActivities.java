package dev.sendout.workflows.sendout;

import dev.sendout.workflows.receipt.DeliveryTally;
import io.temporal.activity.ActivityInterface;

/** Store operations on the sendout as a whole. All are idempotent, so retries are safe. */
@ActivityInterface
public interface SendoutActivities {

  /** Moves every QUEUED message to RELEASED and records the release time on the sendout. */
  Released release(ReleaseSendout input);

  /** Records that every message has left our hands. */
  void markSent(MarkSent input);

  /** Records that every message is settled. */
  void markCompleted(MarkCompleted input);

  record ReleaseSendout(String sendoutId) {}

  /** {@code messageCount} counts all of the sendout's messages, released now or before. */
  record Released(int messageCount) {}

  record MarkSent(String sendoutId, SendTally tally) {}

  record MarkCompleted(String sendoutId, DeliveryTally tally) {}
}
