package dev.sendout.workflows.batch;

import dev.sendout.workflows.sendout.SendTally;
import io.temporal.activity.ActivityInterface;

/** Hands messages to the channel's provider. Runs on the channel's own task queue. */
@ActivityInterface
public interface DeliveryActivities {

  /**
   * Sends the chunk's RELEASED messages and records the provider's answer for each. Safe to retry:
   * a message the provider accepted, or may have accepted, is never sent again. Returns the tally
   * of the whole chunk, including messages settled by earlier attempts.
   */
  SendTally sendBatch(SendBatch batch);
}
