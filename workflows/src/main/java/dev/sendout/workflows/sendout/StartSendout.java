package dev.sendout.workflows.sendout;

import java.time.Instant;

/**
 * Input of {@link SendoutWorkflow}: what the workflow needs from the sendout record, the settings
 * it runs with, and, after a continue-as-new, where it left off.
 *
 * @param checkpoint null on the first run; the carried state after a continue-as-new
 */
public record StartSendout(
    String sendoutId,
    String tenantId,
    Channel channel,
    int recipientCount,
    Instant sendAt,
    SendoutSettings settings,
    SendoutCheckpoint checkpoint) {

  StartSendout continueFrom(SendoutCheckpoint next) {
    return new StartSendout(sendoutId, tenantId, channel, recipientCount, sendAt, settings, next);
  }
}
