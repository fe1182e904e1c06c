package dev.sendout.activities.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.CHANNEL;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_ID;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.TENANT_ID;

import dev.sendout.activities.store.StoredSendout;
import dev.sendout.workflows.sendout.SendoutSettings;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.StartSendout;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
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

  /**
   * Vonage takes one message per request, so an SMS batch is one activity per message: about six
   * history events each. A hundred keeps a batch's history far below its continue-as-new threshold,
   * and eight batches in flight keep 800 sends queued, 27 seconds of work at 30 requests a second.
   */
  static final int SMS_BATCH_SIZE = 100;

  private final WorkflowClient temporal;
  private final String taskQueue;
  private final WorkflowProperties properties;
  private final String emailTaskQueue;
  private final String smsTaskQueue;

  public SendoutStarter(
      WorkflowClient temporal,
      WorkflowProperties properties,
      @Value("${sendout.task-queue.workflows}") String taskQueue,
      @Value("${sendout.task-queue.email}") String emailTaskQueue,
      @Value("${sendout.task-queue.sms}") String smsTaskQueue) {
    this.temporal = temporal;
    this.taskQueue = taskQueue;
    this.properties = properties;
    this.emailTaskQueue = emailTaskQueue;
    this.smsTaskQueue = smsTaskQueue;
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
                "%s sendout %s: %,d recipients, sending at %s"
                    .formatted(
                        capitalized(sendout.channel().name()),
                        id,
                        sendout.recipientCount(),
                        sendout.sendAt()))
            .build();
    SendoutWorkflow workflow = temporal.newWorkflowStub(SendoutWorkflow.class, options);
    StartSendout start =
        new StartSendout(
            id,
            sendout.tenantId(),
            sendout.channel(),
            sendout.recipientCount(),
            sendout.sendAt(),
            settings(sendout),
            null);
    try {
      WorkflowClient.start(workflow::run, start);
      return true;
    } catch (WorkflowExecutionAlreadyStarted alreadyStartedOrFinished) {
      // Started by an earlier call, or already finished: either way there is nothing to do.
      return false;
    }
  }

  private SendoutSettings settings(StoredSendout sendout) {
    Duration receiptTimeout = sendout.receiptTimeout();
    return switch (sendout.channel()) {
      case EMAIL ->
          new SendoutSettings(
              properties.batchSize(),
              properties.maxBatchesInFlight(),
              emailTaskQueue,
              properties.continueAsNewAfterEvents(),
              receiptTimeout,
              properties.batchSize(),
              properties.releaseGrace());
      case SMS ->
          new SendoutSettings(
              SMS_BATCH_SIZE,
              properties.maxBatchesInFlight(),
              smsTaskQueue,
              properties.continueAsNewAfterEvents(),
              receiptTimeout,
              1,
              properties.releaseGrace());
    };
  }

  private static String capitalized(String name) {
    return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }
}
