package dev.sendout.core.reminder;

import java.time.Duration;

/**
 * One reminder a sendout declares, as stored in {@code sendout.reminders}: how long after its
 * recipient's invitation was accepted it is due, and the content that replaces the invitation's: a
 * subject replaces its subject, a text or an html (or both) its whole body; what it does not give
 * is the invitation's.
 *
 * @param after an ISO-8601 duration, such as {@code P3D}
 */
public record Reminder(String after, String subject, String text, String html) {

  public Duration afterDuration() {
    return Duration.parse(after);
  }
}
