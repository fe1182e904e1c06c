package dev.sendout.core.channel;

import dev.sendout.core.sendout.WorkflowProperties;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutSettings;
import java.time.Duration;

/**
 * What a channel is, in one place: the content its messages carry, where a message goes, and the
 * settings its sendouts' workflows run with. Each channel's package has one implementation ({@code
 * channel.email.EmailChannel}, {@code channel.sms.SmsChannel}); a third channel is a new package
 * with its own, its receipt parser and its provider sender.
 */
public interface ChannelType {

  Channel channel();

  /** The type the sendout's content is stored as (subject, text, html; or sender id and text). */
  Class<?> contentType();

  /** Where a recipient's message goes, from the fields a request may carry. */
  String address(String email, String phone);

  /** The settings a sendout of this channel starts its workflow with. */
  SendoutSettings settings(WorkflowProperties workflow, Duration receiptTimeout);
}
