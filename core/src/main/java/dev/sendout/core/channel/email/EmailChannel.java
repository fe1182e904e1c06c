package dev.sendout.core.channel.email;

import dev.sendout.core.channel.ChannelType;
import dev.sendout.core.sendout.WorkflowProperties;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutSettings;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Email through SendGrid: a batch is one request of up to a thousand personalizations, sent by one
 * activity on the email task queue.
 */
@Component
public class EmailChannel implements ChannelType {

  private final String taskQueue;

  public EmailChannel(@Value("${sendout.task-queue.email}") String taskQueue) {
    this.taskQueue = taskQueue;
  }

  @Override
  public Channel channel() {
    return Channel.EMAIL;
  }

  @Override
  public Class<?> contentType() {
    return EmailContent.class;
  }

  /** The address in its ASCII form ({@link EmailAddress}), which is what SendGrid is given. */
  @Override
  public String address(String email, String phone) {
    return EmailAddress.ascii(email);
  }

  @Override
  public SendoutSettings settings(WorkflowProperties workflow, Duration receiptTimeout) {
    return new SendoutSettings(
        workflow.batchSize(),
        workflow.maxBatchesInFlight(),
        taskQueue,
        workflow.continueAsNewAfterEvents(),
        receiptTimeout,
        workflow.batchSize(),
        workflow.releaseGrace());
  }
}
