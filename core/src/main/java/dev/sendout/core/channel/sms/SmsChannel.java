package dev.sendout.core.channel.sms;

import dev.sendout.core.channel.ChannelType;
import dev.sendout.core.sendout.WorkflowProperties;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutSettings;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * SMS through Vonage, which takes one message per request: a delivery activity sends up to {@link
 * #MESSAGES_PER_CALL} of them one by one, each paced under Vonage's rate limit by the worker.
 */
@Component
public class SmsChannel implements ChannelType {

  /**
   * A full batch is ten delivery activities, scheduled at once, so that one batch alone fills the
   * worker's ten SMS activity slots: a call waits for Vonage's answer before its next request, so
   * the rate limit is reached with several calls in flight. Its history stays small (about six
   * events a call, plus its receipt checks), and its fixed costs (the child workflow, its receipt
   * checks and signals) are shared by 500 messages.
   */
  static final int BATCH_SIZE = 500;

  /**
   * Messages one delivery activity sends, one Vonage request each: Temporal actions per message
   * fall from more than one (an activity each, measured 1.18) to a few hundredths. A call takes
   * about {@code 10 × 50 / rate} seconds with the worker's ten slots busy (18 s at 30/s), and
   * heartbeats after each message; what a killed worker leaves in doubt is still one message per
   * running call.
   */
  static final int MESSAGES_PER_CALL = 50;

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
        MESSAGES_PER_CALL,
        workflow.releaseGrace());
  }
}
