package dev.sendout.sandbox.sendgrid;

import dev.sendout.sandbox.sendgrid.events.Fate;

/**
 * What the sandbox remembers about one of our message ids, shown by {@code GET
 * /sandbox/sendgrid/messages/{messageId}}. A resend replaces the details with the latest ones.
 *
 * @param messageId our id from {@code custom_args.message_id}
 * @param sendCount how many times SendGrid accepted it
 * @param xMessageId the {@code X-Message-Id} of the latest request that carried it
 * @param to the recipient addresses
 * @param subject the subject after substitutions
 * @param text the text/plain content after substitutions
 * @param html the text/html content after substitutions
 * @param headers the headers the recipient's copy carries (mail-level and personalization)
 * @param fate what the Event Webhook reports for the latest send, or null when receipts were off
 */
public record MessageRecord(
    String messageId,
    long sendCount,
    String xMessageId,
    String to,
    String subject,
    String text,
    String html,
    java.util.Map<String, String> headers,
    Fate fate) {

  static MessageRecord first(String xMessageId, RenderedPersonalization rendered, Fate fate) {
    return new MessageRecord(
        rendered.messageId(),
        1,
        xMessageId,
        rendered.to(),
        rendered.subject(),
        rendered.text(),
        rendered.html(),
        rendered.headers(),
        fate);
  }

  MessageRecord resent(String newXMessageId, RenderedPersonalization rendered, Fate newFate) {
    return new MessageRecord(
        messageId,
        sendCount + 1,
        newXMessageId,
        rendered.to(),
        rendered.subject(),
        rendered.text(),
        rendered.html(),
        rendered.headers(),
        newFate);
  }
}
