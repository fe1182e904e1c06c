package dev.sendout.core.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.CHANNEL;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_ID;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.TENANT_ID;

import dev.sendout.core.channel.Channels;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.StartSendout;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Starts a sendout's workflow from its stored record: the api's outbox relay starts new sendouts,
 * and the worker's watchdog restarts one whose workflow stopped without finishing it. Safe to call
 * any number of times: the workflow id is the sendout id, a running workflow is reused, and a
 * workflow that completed is never rerun.
 */
@Component
public class SendoutStarter {

  private final WorkflowClient temporal;
  private final String taskQueue;
  private final WorkflowProperties properties;
  private final Channels channels;

  public SendoutStarter(
      WorkflowClient temporal,
      WorkflowProperties properties,
      Channels channels,
      @Value("${sendout.task-queue.workflows}") String taskQueue) {
    this.temporal = temporal;
    this.taskQueue = taskQueue;
    this.properties = properties;
    this.channels = channels;
  }

  /** Starts the workflow of a sendout that has none yet (the outbox). */
  public void start(StoredSendout sendout) {
    start(sendout, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
  }

  /**
   * Starts the workflow again for a sendout whose workflow was terminated, failed or timed out
   * without finishing it (the watchdog). A workflow that completed is still never rerun. Returns
   * false when a workflow was running or completed already.
   */
  public boolean restart(StoredSendout sendout) {
    return start(
        sendout, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY);
  }

  private boolean start(StoredSendout sendout, WorkflowIdReusePolicy reusePolicy) {
    String id = sendout.id().toString();
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(SendoutWorkflow.workflowId(id))
            .setTaskQueue(taskQueue)
            .setWorkflowIdConflictPolicy(
                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .setWorkflowIdReusePolicy(reusePolicy)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(SENDOUT_ID, id)
                    .set(TENANT_ID, sendout.tenantId())
                    .set(CHANNEL, sendout.channel().name())
                    .set(SENDOUT_STATUS, SendoutStatus.SCHEDULED.name())
                    .set(STUCK, false)
                    .build())
            .setStaticSummary(
                "%s sendout %s: %,d recipients, sending at %s%s"
                    .formatted(
                        capitalized(sendout.channel().name()),
                        id,
                        sendout.recipientCount(),
                        sendout.sendAt(),
                        sendout.window() == null
                            ? ""
                            : ", within %s-%s in each recipient's time zone"
                                .formatted(sendout.window().start(), sendout.window().end())))
            .build();
    SendoutWorkflow workflow = temporal.newWorkflowStub(SendoutWorkflow.class, options);
    StartSendout start =
        new StartSendout(
            id,
            sendout.tenantId(),
            sendout.channel(),
            sendout.recipientCount(),
            sendout.sendAt(),
            channels.of(sendout.channel()).settings(properties, sendout.receiptTimeout()),
            null,
            sendout.window() != null);
    try {
      WorkflowClient.start(workflow::run, start);
      return true;
    } catch (WorkflowExecutionAlreadyStarted alreadyStartedOrFinished) {
      // Started by an earlier call, or already finished: either way there is nothing to do.
      return false;
    }
  }

  private static String capitalized(String name) {
    return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }
}
