package dev.sendout.core.response;

/**
 * The thank-you a sendout declares, as stored in {@code sendout.thank_you}: a message of its own,
 * sent once to each recipient who responds before the survey closes. Unlike a reminder it keeps
 * nothing of the invitation's text (which asks for the response it thanks for), only its sender.
 *
 * @param subject email only: its subject
 * @param text its text; for SMS required
 * @param html email only: its html, or null
 */
public record ThankYou(String subject, String text, String html) {}
