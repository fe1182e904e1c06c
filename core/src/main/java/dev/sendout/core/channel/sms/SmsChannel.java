package dev.sendout.core.channel.sms;

import dev.sendout.core.channel.ChannelType;
import dev.sendout.core.sendout.WorkflowProperties;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutSettings;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * SMS through Vonage, which takes one message per request: each message is an activity of its own
 * on the SMS task queue, whose activity rate limit is Vonage's request rate limit.
 */
@Component
public class SmsChannel implements ChannelType {

  /**
   * Vonage takes one message per request, so an SMS batch is one activity per message: about six
   * history events each. A hundred keeps a batch's history far below its continue-as-new threshold,
   * and eight batches in flight keep 800 sends queued, 27 seconds of work at 30 requests a second.
   */
  static final int BATCH_SIZE = 100;

  private final String taskQueue;

  public SmsChannel(@Value("${sendout.task-queue.sms}") String taskQueue) {
    this.taskQueue = taskQueue;
  }

  @Override
  public Channel channel() {
    return Channel.SMS;
  }

  @Override
  public Class<?> contentType() {
    return SmsContent.class;
  }

  /** The number in E.164 form ({@link PhoneNumbers#e164}), which is what Vonage is given. */
  @Override
  public String address(String email, String phone) {
    return PhoneNumbers.e164(phone).orElse(phone);
  }

  @Override
  public SendoutSettings settings(WorkflowProperties workflow, Duration receiptTimeout) {
    return new SendoutSettings(
        BATCH_SIZE,
        workflow.maxBatchesInFlight(),
        taskQueue,
        workflow.continueAsNewAfterEvents(),
        receiptTimeout,
        1,
        workflow.releaseGrace());
  }
}
