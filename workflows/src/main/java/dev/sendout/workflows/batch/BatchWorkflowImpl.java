package dev.sendout.workflows.batch;

import dev.sendout.workflows.sendout.SendTally;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Sends one chunk through the channel's delivery activity and reports the tally. */
public class BatchWorkflowImpl implements BatchWorkflow {

  /**
   * Long enough for one provider call at its read timeout (20 s) plus the store writes around it;
   * short enough that a batch whose worker died is retried within a minute.
   */
  static final Duration SEND_TIMEOUT = Duration.ofSeconds(45);

  /**
   * Provider outages can last hours: keep retrying, backing off to a minute. A 429 overrides the
   * interval with the provider's own Retry-After. Permanent refusals never reach this policy: the
   * activity records them as FAILED messages and completes.
   */
  static final RetryOptions SEND_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofMinutes(1))
          .build();

  @Override
  public SendTally run(StartBatch start) {
    SendBatch batch = start.batch();
    DeliveryActivities delivery =
        Workflow.newActivityStub(
            DeliveryActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(start.deliveryTaskQueue())
                .setStartToCloseTimeout(SEND_TIMEOUT)
                .setRetryOptions(SEND_RETRY)
                .build());
    int size = batch.toSeq() - batch.fromSeq();
    Workflow.setCurrentDetails(
        "Sending %d messages (seq %d–%d)".formatted(size, batch.fromSeq(), batch.toSeq() - 1));
    SendTally tally = delivery.sendBatch(batch);
    Workflow.setCurrentDetails(
        "Sent %d messages: %d accepted, %d failed, %d unconfirmed"
            .formatted(tally.total(), tally.accepted(), tally.failed(), tally.unconfirmed()));
    return tally;
  }
}
