package dev.sendout.sandbox.sendgrid;

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
 */
public record MessageRecord(
    String messageId,
    long sendCount,
    String xMessageId,
    String to,
    String subject,
    String text,
    String html) {

  static MessageRecord first(String xMessageId, RenderedPersonalization rendered) {
    return new MessageRecord(
        rendered.messageId(),
        1,
        xMessageId,
        rendered.to(),
        rendered.subject(),
        rendered.text(),
        rendered.html());
  }

  MessageRecord resent(String newXMessageId, RenderedPersonalization rendered) {
    return new MessageRecord(
        messageId,
        sendCount + 1,
        newXMessageId,
        rendered.to(),
        rendered.subject(),
        rendered.text(),
        rendered.html());
  }
}
