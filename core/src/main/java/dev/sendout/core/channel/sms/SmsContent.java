package dev.sendout.core.channel.sms;

import dev.sendout.core.content.Template;
import java.util.Set;

/**
 * What an SMS sendout says, and what it costs. The text may reference per-recipient variables as
 * {@code {{name}}} (see {@link Template}); each recipient's message is the text rendered with that
 * recipient's values.
 *
 * @param senderId the alphanumeric sender id or the number the messages come from
 * @param encoding UCS-2 if any recipient's message needs it, GSM-7 otherwise
 * @param segments the most segments any one recipient's message takes
 * @param totalSegments the segments of all recipients' messages together: what the sendout costs
 */
public record SmsContent(
    String senderId, String text, SmsSegments.Encoding encoding, int segments, long totalSegments) {

  /** The variable names the text references, in order of first use. */
  public Set<String> variables() {
    return Template.names(text);
  }
}
