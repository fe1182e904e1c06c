package dev.sendout.api.sendout;

import dev.sendout.api.ApiProperties;
import dev.sendout.api.Rfc3339;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.channel.email.Substitutions;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.content.Template;
import dev.sendout.core.reminder.Reminder;
import dev.sendout.core.response.ThankYou;
import dev.sendout.core.sendout.SendoutStore.LaterContent;
import dev.sendout.core.window.DeliveryWindow;
import dev.sendout.core.window.TimeZones;
import dev.sendout.workflows.sendout.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Checks a create request field by field and reports every problem with its JSON Pointer, up to
 * {@link #MAX_REPORTED} of them, so a caller can fix a whole file of recipients in one go. What
 * differs by channel is in that channel's {@link ChannelRequestRules}; this class holds what every
 * channel shares.
 */
@Component
public class SendoutRequestValidator {

  static final int MAX_REPORTED = 100;

  static final int MAX_NAME_LENGTH = 200;

  /**
   * SendGrid refuses personalizations whose substitutions exceed 10,000 bytes; SMS recipients are
   * held to the same bound, which keeps every stored message row small.
   */
  static final int MAX_VARIABLE_BYTES = Substitutions.MAX_BYTES;

  private static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(366);

  static final Duration MIN_RECEIPT_TIMEOUT = ApiProperties.MIN_RECEIPT_TIMEOUT;

  static final Duration MAX_RECEIPT_TIMEOUT = ApiProperties.MAX_RECEIPT_TIMEOUT;

  private final int maxRecipients;
  private final Map<Channel, ChannelRequestRules> rules = new EnumMap<>(Channel.class);
  private final Clock clock;

  public SendoutRequestValidator(ApiProperties properties, Clock clock) {
    this.maxRecipients = properties.maxRecipientsPerRequest();
    for (ChannelRequestRules channelRules :
        List.of(
            new EmailRequestRules(properties.emailReceiptTimeout()),
            new SmsRequestRules(properties.smsReceiptTimeout()))) {
      rules.put(channelRules.channel(), channelRules);
    }
    for (Channel channel : Channel.values()) {
      if (!rules.containsKey(channel)) {
        // Failing here, when the application starts, beats refusing every request of a channel.
        throw new IllegalStateException("No request rules for " + channel);
      }
    }
    this.clock = clock;
  }

  /**
   * A request that passed every check, with its parts converted.
   *
   * @param content the channel's content: {@link EmailContent} or {@link SmsContent}
   */
  /**
   * @param window the delivery window; null for none
   * @param timeZone the sendout's IANA zone; null for none
   */
  public record Valid(
      Channel channel,
      Object content,
      Instant sendAt,
      Duration receiptTimeout,
      DeliveryWindow window,
      String timeZone,
      List<Reminder> reminders,
      Instant closesAt,
      ThankYou thankYou) {}

  /** A local time in a window: hours and minutes, 00:00 to 23:59. */
  private static final Pattern LOCAL_TIME = Pattern.compile("^([01][0-9]|2[0-3]):[0-5][0-9]$");

  public Valid validate(CreateSendoutRequest request) {
    Problems problems = new Problems();
    Channel channel = channel(request.channel(), problems);
    ChannelRequestRules channelRules = channel == null ? null : rules.get(channel);
    Object content = null;
    if (channelRules == null) {
      // Which fields belong depends on the channel, so only the channel-free checks run.
      recipientList(request.recipients(), problems);
    } else {
      ChannelRequestRules.Checked checked = channelRules.content(request, problems);
      List<Recipient> recipients = recipientList(request.recipients(), problems);
      if (recipients != null) {
        checked.recipients(recipients, problems);
      }
      content = checked.content();
    }
    Instant sendAt = sendAt(request.sendAt(), problems);
    // Without a channel there is no default timeout, and the request is refused for lacking one.
    Duration receiptTimeout =
        receiptTimeout(
            request.receiptTimeout(),
            channelRules == null ? null : channelRules.defaultReceiptTimeout(),
            problems);
    DeliveryWindow window = window(request.window(), problems);
    String timeZone = timeZone("/timeZone", request.timeZone(), problems);
    Instant closesAt = ReminderRules.closesAt(request.closesAt(), sendAt, problems);
    List<Reminder> reminders =
        ReminderRules.reminders(
            request.reminders(), channel, variables(content), sendAt, closesAt, problems);
    ThankYou thankYou =
        ReminderRules.thankYou(request.thankYou(), channel, variables(content), closesAt, problems);
    problems.throwIfAny();
    return new Valid(
        channel, content, sendAt, receiptTimeout, window, timeZone, reminders, closesAt, thankYou);
  }

  /** The template variables the content uses; null when there is no content. */
  private static Set<String> variables(Object content) {
    if (content instanceof EmailContent email) {
      return email.variables();
    }
    if (content instanceof SmsContent sms) {
      return sms.variables();
    }
    return null;
  }

  /** The recipient's field that holds a channel's address, such as {@code "/email"}. */
  public String addressField(Channel channel) {
    return rules.get(channel).addressField();
  }

  /**
   * Checks recipients added to a stored sendout as create checks them: against the content the
   * sendout was created with, so that every added recipient has its template variables and, for
   * SMS, a message that fits. Duplicates are looked for within the request only.
   *
   * @param content the sendout's {@link EmailContent} or {@link SmsContent}
   * @param later its reminders' and thank-you's own subjects and texts
   */
  public void validateRecipients(
      Channel channel, Object content, List<LaterContent> later, List<Recipient> recipients) {
    Problems problems = new Problems();
    List<Recipient> list = recipientList(recipients, problems);
    if (list != null) {
      rules.get(channel).stored(content, later).recipients(list, problems);
    }
    problems.throwIfAny();
  }

  /**
   * A chunk of an uploaded file: its recipients checked as an addition's are, but not against the
   * bound on one request's recipients. An upload is bounded by its size; its reader hands over a
   * thousand lines at a time, which a bound set lower (it was 5 in a test) refused for every file
   * longer than it.
   */
  public void validateUploadedRecipients(
      Channel channel, Object content, List<LaterContent> later, List<Recipient> recipients) {
    Problems problems = new Problems();
    rules.get(channel).stored(content, later).recipients(recipients, problems);
    problems.throwIfAny();
  }

  private static Channel channel(String value, Problems problems) {
    if (value == null) {
      problems.add("/channel", "is required; one of: EMAIL, SMS");
      return null;
    }
    try {
      return Channel.valueOf(value);
    } catch (IllegalArgumentException e) {
      problems.add("/channel", "unknown channel '" + value + "'; one of: EMAIL, SMS");
      return null;
    }
  }

  /** The recipients if there are some and not too many; null (and a problem) otherwise. */
  private List<Recipient> recipientList(List<Recipient> recipients, Problems problems) {
    if (recipients == null || recipients.isEmpty()) {
      problems.add("/recipients", "at least one recipient is required");
      return null;
    }
    if (recipients.size() > maxRecipients) {
      problems.add(
          "/recipients",
          "at most %d recipients per request, got %d".formatted(maxRecipients, recipients.size()));
      return null;
    }
    return recipients;
  }

  /**
   * True when every required variable has a value.
   *
   * @param inHeader the variables used in a header (an email's subject), whose values must be one
   *     line
   */
  static boolean variables(
      String at,
      Map<String, String> values,
      Set<String> required,
      Set<String> inHeader,
      Problems problems) {
    Map<String, String> given = values == null ? Map.of() : values;
    for (var e : given.entrySet()) {
      String name = e.getKey();
      text(at, name, TextRules.Kind.LINE, problems);
      text(
          at + "/" + name.replace("~", "~0").replace("/", "~1"),
          e.getValue(),
          inHeader.contains(name) ? TextRules.Kind.LINE : TextRules.Kind.BODY,
          problems);
    }
    boolean complete = true;
    for (String name : required) {
      if (given.get(name) == null) {
        problems.add(at, "no value for template variable {{" + name + "}}");
        complete = false;
      }
    }
    if (variableBytes(given) > MAX_VARIABLE_BYTES) {
      problems.add(at, "variables exceed " + MAX_VARIABLE_BYTES + " bytes");
    }
    return complete;
  }

  private Instant sendAt(String value, Problems problems) {
    Instant now = clock.instant();
    if (value == null) {
      return now;
    }
    try {
      Instant at = Rfc3339.instant(value);
      if (at.isAfter(now.plus(MAX_SCHEDULE_AHEAD))) {
        problems.add("/sendAt", "at most " + MAX_SCHEDULE_AHEAD.toDays() + " days ahead");
        // What the rest of the checks count from: the year 999999999 plus a reminder's delay is
        // past the last Instant, which threw, a 500.
        return now;
      }
      return at.isBefore(now) ? now : at;
    } catch (DateTimeParseException e) {
      problems.add("/sendAt", "not an RFC 3339 date-time such as 2026-12-01T09:00:00Z");
      return now;
    }
  }

  private static Duration receiptTimeout(String value, Duration byDefault, Problems problems) {
    if (value == null) {
      return byDefault;
    }
    try {
      Duration timeout = Duration.parse(value);
      if (timeout.compareTo(MIN_RECEIPT_TIMEOUT) < 0
          || timeout.compareTo(MAX_RECEIPT_TIMEOUT) > 0) {
        problems.add("/receiptTimeout", "must be between PT1M and P30D");
      }
      return timeout;
    } catch (DateTimeParseException e) {
      problems.add("/receiptTimeout", "not an ISO 8601 duration such as PT24H");
      return byDefault;
    }
  }

  /**
   * The delivery window, or null when none is given or it has problems (then reported): times as
   * HH:mm, distinct (an end before the start makes an overnight window), days MON to SUN.
   */
  private static DeliveryWindow window(CreateSendoutRequest.Window value, Problems problems) {
    if (value == null) {
      return null;
    }
    LocalTime start = localTime("/window/start", value.start(), problems);
    LocalTime end = localTime("/window/end", value.end(), problems);
    if (start != null && start.equals(end)) {
      problems.add(
          "/window/end",
          "must differ from /window/start; an end before the start makes an overnight window");
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    List<String> given = value.days() == null ? List.of() : value.days();
    boolean daysValid = true;
    for (int i = 0; i < given.size(); i++) {
      try {
        days.add(DeliveryWindow.day(given.get(i)));
      } catch (IllegalArgumentException e) {
        problems.add("/window/days/" + i, "not a day; one of: MON, TUE, WED, THU, FRI, SAT, SUN");
        daysValid = false;
      }
    }
    if (start == null || end == null || start.equals(end) || !daysValid) {
      return null;
    }
    return new DeliveryWindow(start, end, days);
  }

  private static LocalTime localTime(String at, String value, Problems problems) {
    if (value == null) {
      problems.add(at, "is required, as HH:mm such as 09:00");
      return null;
    }
    if (!LOCAL_TIME.matcher(value).matches()) {
      problems.add(at, "not a time of day as HH:mm such as 09:00");
      return null;
    }
    return LocalTime.parse(value);
  }

  /** The zone if it is an IANA zone id, null when absent or refused (then reported). */
  static String timeZone(String at, String value, Problems problems) {
    if (value == null) {
      return null;
    }
    if (TimeZones.iana(value).isEmpty()) {
      problems.add(at, "not an IANA time zone such as Europe/Berlin");
      return null;
    }
    return value;
  }

  /** A field that belongs to the other channel: given here, it points to a mistake. */
  static void notUsed(String at, String value, Channel channel, Problems problems) {
    if (value != null) {
      problems.add(at, "not used for " + channel + " channel");
    }
  }

  /** True when the text can be stored and sent as a field of this kind ({@link TextRules}). */
  static boolean text(String at, String value, TextRules.Kind kind, Problems problems) {
    String problem = TextRules.problem(value, kind);
    if (problem != null) {
      problems.add(at, problem);
      return false;
    }
    return true;
  }

  /**
   * True when the text is a template this engine renders ({@link Template}), or absent. A template
   * error is reported rather than sent as written.
   */
  static boolean template(String at, String value, Problems problems) {
    if (value == null) {
      return true;
    }
    try {
      Template.parse(value);
      return true;
    } catch (Template.SyntaxException e) {
      problems.add(at, "template error at " + e.getMessage());
      return false;
    }
  }

  static void maxLength(String at, String value, int max, Problems problems) {
    if (value != null && value.length() > max) {
      problems.add(at, "at most " + max + " characters");
    }
  }

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  /** The bytes a recipient's variables take, counted as SendGrid counts its substitutions. */
  static int variableBytes(Map<String, String> values) {
    int bytes = 0;
    for (var e : values.entrySet()) {
      bytes += e.getKey().length() + 4 + utf8Length(e.getValue());
    }
    return bytes;
  }

  private static int utf8Length(String value) {
    return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Collects problems, keeping the first {@link #MAX_REPORTED} and counting the rest. */
  static final class Problems {
    private final List<FieldProblem> list = new ArrayList<>();
    private int dropped;

    void add(String pointer, String detail) {
      if (full()) {
        dropped++;
      } else {
        list.add(new FieldProblem(pointer, detail));
      }
    }

    boolean full() {
      return list.size() >= MAX_REPORTED;
    }

    void throwIfAny() {
      if (dropped > 0) {
        list.add(new FieldProblem("", dropped + " more problems not listed"));
      }
      if (!list.isEmpty()) {
        throw ApiProblem.invalid(list);
      }
    }
  }
}
