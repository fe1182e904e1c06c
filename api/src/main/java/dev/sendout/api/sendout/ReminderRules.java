package dev.sendout.api.sendout;

import static dev.sendout.api.sendout.SendoutRequestValidator.maxLength;
import static dev.sendout.api.sendout.SendoutRequestValidator.template;
import static dev.sendout.api.sendout.SendoutRequestValidator.text;

import dev.sendout.api.Rfc3339;
import dev.sendout.api.sendout.SendoutRequestValidator.Problems;
import dev.sendout.core.content.Template;
import dev.sendout.core.reminder.Reminder;
import dev.sendout.core.reminder.ReminderWaves;
import dev.sendout.core.response.ThankYou;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of a create request's {@code reminders} and {@code closesAt}: at most {@link
 * #MAX_REMINDERS} reminders, each {@code after} a positive ISO 8601 duration at least an hour later
 * than the one before it ({@link ReminderWaves#GROUPING}: a wave takes everyone due within the
 * hour, each with the latest reminder due, so a reminder closer to the next would never be sent),
 * each due before the survey closes, with content that uses only the invitation's template
 * variables (every recipient was checked against those). SMS reminders carry text only. Also the
 * {@code thankYou}, whose content follows the same rules.
 */
final class ReminderRules {

  static final int MAX_REMINDERS = 10;

  /**
   * The longest SMS text a reminder may carry before its variables are filled in: what an SMS
   * takes, so that each recipient's text, rendered, is checked only when this passes.
   */
  private static final int MAX_SMS_TEXT = SmsRequestRules.MAX_SMS_TEXT_LENGTH;

  private static final int MAX_SUBJECT_LENGTH = 998;

  /** How long after the send time a reminder may come, and the survey close. */
  static final Duration MAX_AFTER = Duration.ofDays(366);

  private ReminderRules() {}

  /**
   * The closing date, or null when none is given; a problem when it is not after the send time, or
   * more than {@link #MAX_AFTER} after it: a sendout stays open, its workflow running, until then.
   */
  static Instant closesAt(String value, Instant sendAt, Problems problems) {
    if (value == null) {
      return null;
    }
    try {
      Instant at = Rfc3339.instant(value);
      if (!at.isAfter(sendAt)) {
        problems.add("/closesAt", "must be after the send time (" + sendAt + ")");
      } else if (at.isAfter(sendAt.plus(MAX_AFTER))) {
        problems.add("/closesAt", "at most " + MAX_AFTER.toDays() + " days after the send time");
      }
      return at;
    } catch (DateTimeParseException e) {
      problems.add("/closesAt", "not an RFC 3339 date-time such as 2026-12-08T09:00:00Z");
      return null;
    }
  }

  /**
   * The reminders as stored; problems for each mistake.
   *
   * @param channel null when the request's channel is not known: only the timing is checked
   * @param variables the template variables the invitation uses
   */
  static List<Reminder> reminders(
      List<CreateSendoutRequest.Reminder> given,
      Channel channel,
      Set<String> variables,
      Instant sendAt,
      Instant closesAt,
      Problems problems) {
    if (given == null || given.isEmpty()) {
      return List.of();
    }
    if (given.size() > MAX_REMINDERS) {
      problems.add(
          "/reminders", "at most %d reminders, got %d".formatted(MAX_REMINDERS, given.size()));
      return List.of();
    }
    List<Reminder> reminders = new ArrayList<>();
    // The last reminder with a valid "after", which the next one's is compared with: not the one
    // just before it when that one is null or has none.
    Duration previous = null;
    String previousWritten = null;
    for (int i = 0; i < given.size(); i++) {
      String at = "/reminders/" + i;
      CreateSendoutRequest.Reminder r = given.get(i);
      if (r == null) {
        problems.add(at, "must be an object with at least \"after\"");
        continue;
      }
      Duration after = after(at + "/after", r.after(), problems);
      if (after != null) {
        if (previous != null && after.compareTo(previous.plus(ReminderWaves.GROUPING)) < 0) {
          problems.add(
              at + "/after",
              ("must be at least an hour later than the reminder before it (%s): a reminder wave"
                      + " takes everyone due within the hour, with the latest reminder due")
                  .formatted(previousWritten));
        }
        if (closesAt != null && !sendAt.plus(after).isBefore(closesAt)) {
          problems.add(
              at + "/after",
              "falls after closesAt: the send time plus %s is not before %s"
                  .formatted(r.after(), closesAt));
        }
        previous = after;
        previousWritten = r.after();
      }
      content(at, r.subject(), r.text(), r.html(), channel, variables, problems);
      reminders.add(new Reminder(r.after(), r.subject(), r.text(), r.html()));
    }
    return reminders;
  }

  private static Duration after(String at, String value, Problems problems) {
    if (value == null || value.isBlank()) {
      problems.add(at, "is required: an ISO 8601 duration such as P3D");
      return null;
    }
    try {
      Duration after = Duration.parse(value);
      if (after.isNegative() || after.isZero()) {
        problems.add(at, "must be a positive duration, got " + value);
        return null;
      }
      if (after.compareTo(MAX_AFTER) > 0) {
        problems.add(at, "at most P366D");
        return null;
      }
      if (after.getNano() != 0) {
        // Waves count in seconds: PT0.5S was stored as 0, a reminder at the invitation's moment.
        problems.add(at, "a whole number of seconds, got " + value);
        return null;
      }
      return after;
    } catch (DateTimeParseException e) {
      problems.add(at, "not an ISO 8601 duration such as P3D or PT12H");
      return null;
    }
  }

  /**
   * The thank-you as stored, or null when none is given; problems for each mistake. It needs a
   * closing date (the sendout waits for responses until then) and content of its own: a subject and
   * a text or html for email, a text for SMS.
   */
  static ThankYou thankYou(
      CreateSendoutRequest.ThankYou given,
      Channel channel,
      Set<String> variables,
      Instant closesAt,
      Problems problems) {
    if (given == null) {
      return null;
    }
    if (closesAt == null) {
      problems.add(
          "/thankYou",
          "needs closesAt: the sendout waits for the responses it thanks until the survey closes");
    }
    if (channel == Channel.SMS && given.text() == null) {
      problems.add("/thankYou/text", "is required: the thank-you's own text");
    }
    if (channel == Channel.EMAIL) {
      if (given.subject() == null) {
        problems.add("/thankYou/subject", "is required: the thank-you's own subject");
      }
      if (given.text() == null && given.html() == null) {
        problems.add("/thankYou", "needs text, html or both: the thank-you's own body");
      }
    }
    content("/thankYou", given.subject(), given.text(), given.html(), channel, variables, problems);
    return new ThankYou(given.subject(), given.text(), given.html());
  }

  private static void content(
      String at,
      String subject,
      String text,
      String html,
      Channel channel,
      Set<String> variables,
      Problems problems) {
    if (channel == Channel.SMS) {
      if (subject != null) {
        problems.add(at + "/subject", "is for email only; an SMS has text only");
      }
      if (html != null) {
        problems.add(at + "/html", "is for email only; an SMS has text only");
      }
      maxLength(at + "/text", text, MAX_SMS_TEXT, problems);
    } else {
      maxLength(at + "/subject", subject, MAX_SUBJECT_LENGTH, problems);
      part(at + "/subject", subject, TextRules.Kind.LINE, variables, problems);
      part(at + "/html", html, TextRules.Kind.BODY, variables, problems);
    }
    part(at + "/text", text, TextRules.Kind.BODY, variables, problems);
  }

  private static void part(
      String at, String value, TextRules.Kind kind, Set<String> variables, Problems problems) {
    if (value == null) {
      return;
    }
    if (value.isBlank()) {
      problems.add(at, "must not be blank; omit it instead");
      return;
    }
    if (text(at, value, kind, problems) && template(at, value, problems) && variables != null) {
      for (String name : Template.names(value)) {
        if (!variables.contains(name)) {
          problems.add(
              at,
              "uses {{%s}}, which the invitation does not: recipients are checked against the"
                      .formatted(name)
                  + " invitation's variables");
        }
      }
    }
  }
}
