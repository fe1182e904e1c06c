package dev.sendout.sandbox.sendgrid;

/**
 * One accepted personalization as its recipient would see it, after substitutions.
 *
 * @param messageId our id from {@code custom_args.message_id}, or null when the sender set none
 * @param to the {@code to} addresses, comma separated
 * @param subject the subject after substitutions
 * @param text the text/plain content after substitutions, or null when there is none
 * @param html the text/html content after substitutions, or null when there is none
 * @param headers the mail's headers with the personalization's own over them, as SendGrid merges
 *     them (such as List-Unsubscribe)
 */
public record RenderedPersonalization(
    String messageId,
    String to,
    String subject,
    String text,
    String html,
    java.util.Map<String, String> headers) {

  public RenderedPersonalization {
    headers = headers == null ? java.util.Map.of() : java.util.Map.copyOf(headers);
  }

  /** One without headers. */
  public RenderedPersonalization(
      String messageId, String to, String subject, String text, String html) {
    this(messageId, to, subject, text, html, java.util.Map.of());
  }
}
