package dev.sendout.sandbox.sendgrid;

/**
 * One accepted personalization as its recipient would see it, after substitutions.
 *
 * @param messageId our id from {@code custom_args.message_id}, or null when the sender set none
 * @param to the {@code to} addresses, comma separated
 * @param subject the subject after substitutions
 * @param text the text/plain content after substitutions, or null when there is none
 * @param html the text/html content after substitutions, or null when there is none
 */
public record RenderedPersonalization(
    String messageId, String to, String subject, String text, String html) {}
