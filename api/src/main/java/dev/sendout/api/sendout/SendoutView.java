package dev.sendout.api.sendout;

import dev.sendout.activities.store.StoredSendout;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A sendout as the API shows it.
 *
 * @param messages how many of its messages are in each status
 * @param workflowId where to find the sendout in the Temporal UI
 */
public record SendoutView(
    UUID id,
    Channel channel,
    SendoutStatus status,
    int recipientCount,
    Map<MessageStatus, Integer> messages,
    Instant sendAt,
    Instant createdAt,
    Instant workflowStartedAt,
    Instant releasedAt,
    Instant completedAt,
    String workflowId) {

  static SendoutView of(StoredSendout s, Map<MessageStatus, Integer> messages) {
    return new SendoutView(
        s.id(),
        s.channel(),
        s.status(),
        s.recipientCount(),
        messages,
        s.sendAt(),
        s.createdAt(),
        s.workflowStartedAt(),
        s.releasedAt(),
        s.completedAt(),
        SendoutWorkflow.workflowId(s.id().toString()));
  }
}
