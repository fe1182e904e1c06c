package dev.sendout.api.sendout;

import dev.sendout.api.ApiProperties;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.channel.sms.SmsSegments;
import dev.sendout.core.content.Template;
import dev.sendout.workflows.sendout.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Checks a create request field by field and reports every problem with its JSON Pointer, up to
 * {@link #MAX_REPORTED} of them, so a caller can fix a whole file of recipients in one go.
 */
@Component
public class SendoutRequestValidator {

  static final int MAX_REPORTED = 100;

  /** The WHATWG HTML address syntax, plus a dot in the domain, which every deliverable one has. */
  private static final Pattern EMAIL =
      Pattern.compile(
          "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
              + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");

  private static final int MAX_ADDRESS_LENGTH = 254;
  private static final int MAX_NAME_LENGTH = 200;
  private static final int MAX_SUBJECT_LENGTH = 998;

  /**
   * SendGrid refuses personalizations whose substitutions exceed 10,000 bytes; SMS recipients are
   * held to the same bound, which keeps every stored message row small.
   */
  private static final int MAX_VARIABLE_BYTES = 10_000;

  /**
   * The Messages API takes at most 1,000 characters of SMS text. Counted here in UTF-16 code units,
   * never fewer than code points, so a text that passes fits however Vonage counts.
   */
  static final int MAX_SMS_TEXT_LENGTH = 1000;

  /**
   * An alphanumeric sender id: up to 11 letters, digits and spaces, at least one letter (all digits
   * would read as a number), no space at either end.
   */
  private static final Pattern ALPHANUMERIC_SENDER =
      Pattern.compile("^(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9 ]{0,9}[A-Za-z0-9])?$");

  /** A number to send from: E.164, its + optional since Vonage takes numbers without it. */
  private static final Pattern NUMERIC_SENDER = Pattern.compile("^\\+?[1-9]\\d{7,14}$");

  /** A number to send to: E.164 with its +, so that no national number is mistaken for one. */
  private static final Pattern PHONE = Pattern.compile("^\\+[1-9]\\d{7,14}$");

  private static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(366);

  /**
   * Receipt deadlines shorter than a minute would flag messages the provider is still handling;
   * beyond 30 days nobody waits for a survey invitation.
   */
  static final Duration MIN_RECEIPT_TIMEOUT = Duration.ofMinutes(1);

  static final Duration MAX_RECEIPT_TIMEOUT = Duration.ofDays(30);

  private final int maxRecipients;
  private final Duration defaultEmailReceiptTimeout;
  private final Duration defaultSmsReceiptTimeout;
  private final Clock clock;

  public SendoutRequestValidator(ApiProperties properties, Clock clock) {
    this.maxRecipients = properties.maxRecipientsPerRequest();
    this.defaultEmailReceiptTimeout = properties.emailReceiptTimeout();
    this.defaultSmsReceiptTimeout = properties.smsReceiptTimeout();
    this.clock = clock;
  }

  /**
   * A request that passed every check, with its parts converted.
   *
   * @param content the channel's content: {@link EmailContent} or {@link SmsContent}
   */
  public record Valid(Channel channel, Object content, Instant sendAt, Duration receiptTimeout) {}

  public Valid validate(CreateSendoutRequest request) {
    Problems problems = new Problems();
    Channel channel = channel(request.channel(), problems);
    Object content = null;
    if (channel == null) {
      // Which fields belong depends on the channel, so only the channel-free checks run.
      recipientList(request.recipients(), problems);
    } else {
      content =
          switch (channel) {
            case EMAIL -> email(request, problems);
            case SMS -> sms(request, problems);
          };
    }
    Instant sendAt = sendAt(request.sendAt(), problems);
    Duration receiptTimeout = receiptTimeout(request.receiptTimeout(), channel, problems);
    problems.throwIfAny();
    return new Valid(channel, content, sendAt, receiptTimeout);
  }

  /**
   * Checks recipients added to a stored sendout as create checks them: against the content the
   * sendout was created with, so that every added recipient has its template variables and, for
   * SMS, a message that fits. Duplicates are looked for within the request only.
   *
   * @param content the sendout's {@link EmailContent} or {@link SmsContent}
   */
  public void validateRecipients(Channel channel, Object content, List<Recipient> recipients) {
    Problems problems = new Problems();
    List<Recipient> list = recipientList(recipients, problems);
    if (list != null) {
      switch (channel) {
        case EMAIL -> emailRecipients(list, ((EmailContent) content).variables(), problems);
        case SMS -> smsRecipients(list, ((SmsContent) content).text(), new SmsCost(), problems);
      }
    }
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

  private EmailContent email(CreateSendoutRequest request, Problems problems) {
    var from = request.from();
    if (from == null) {
      problems.add("/from", "is required");
    } else {
      email("/from/email", from.email(), problems);
      maxLength("/from/name", from.name(), MAX_NAME_LENGTH, problems);
      notUsed("/from/senderId", from.senderId(), Channel.EMAIL, problems);
    }
    if (request.subject() == null || request.subject().isBlank()) {
      problems.add("/subject", "is required");
    }
    maxLength("/subject", request.subject(), MAX_SUBJECT_LENGTH, problems);
    if (isBlank(request.text()) && isBlank(request.html())) {
      problems.add("/text", "text or html is required");
    }
    var content =
        new EmailContent(
            from == null ? null : from.email(),
            from == null ? null : from.name(),
            request.subject(),
            request.text(),
            request.html());
    List<Recipient> recipients = recipientList(request.recipients(), problems);
    if (recipients != null) {
      emailRecipients(recipients, content.variables(), problems);
    }
    return content;
  }

  private static void emailRecipients(
      List<Recipient> recipients, Set<String> variables, Problems problems) {
    Map<String, Integer> seen = new HashMap<>(recipients.size() * 2);
    for (int i = 0; i < recipients.size(); i++) {
      String at = "/recipients/" + i;
      Recipient r = recipients.get(i);
      if (r == null) {
        problems.add(at, "is null");
        continue;
      }
      if (email(at + "/email", r.email(), problems)) {
        Integer first = seen.putIfAbsent(r.email().toLowerCase(Locale.ROOT), i);
        if (first != null) {
          problems.add(at + "/email", "duplicate of /recipients/" + first + "/email");
        }
      }
      notUsed(at + "/phone", r.phone(), Channel.EMAIL, problems);
      maxLength(at + "/name", r.name(), MAX_NAME_LENGTH, problems);
      variables(at + "/variables", r.variables(), variables, problems);
    }
  }

  private SmsContent sms(CreateSendoutRequest request, Problems problems) {
    var from = request.from();
    if (from == null) {
      problems.add("/from", "is required");
    } else {
      senderId(from.senderId(), problems);
      notUsed("/from/email", from.email(), Channel.SMS, problems);
      notUsed("/from/name", from.name(), Channel.SMS, problems);
    }
    notUsed("/subject", request.subject(), Channel.SMS, problems);
    notUsed("/html", request.html(), Channel.SMS, problems);
    String text = request.text();
    boolean textFits = smsText(text, problems);
    var cost = new SmsCost();
    List<Recipient> recipients = recipientList(request.recipients(), problems);
    if (recipients != null) {
      smsRecipients(recipients, textFits ? text : null, cost, problems);
    }
    return new SmsContent(
        from == null ? null : from.senderId(),
        text,
        cost.encoding,
        cost.maxSegments,
        cost.totalSegments);
  }

  /**
   * Checks the SMS text itself. True when it may fit once rendered; then each recipient's rendering
   * is checked, which a text already too long without its variables would only repeat.
   */
  private static boolean smsText(String text, Problems problems) {
    if (isBlank(text)) {
      problems.add("/text", "is required");
      return false;
    }
    Set<String> variables = Template.names(text);
    Map<String, String> empty = new HashMap<>();
    variables.forEach(name -> empty.put(name, ""));
    int fixed = Template.render(text, empty).length();
    if (fixed > MAX_SMS_TEXT_LENGTH) {
      problems.add(
          "/text",
          "at most %d characters (the SMS limit), got %d%s"
              .formatted(
                  MAX_SMS_TEXT_LENGTH, fixed, variables.isEmpty() ? "" : " without its variables"));
      return false;
    }
    return true;
  }

  /**
   * Checks each recipient and renders its message, adding up what the sendout costs.
   *
   * @param text the text to render for each recipient, or null when it cannot be rendered
   */
  private static void smsRecipients(
      List<Recipient> recipients, String text, SmsCost cost, Problems problems) {
    Set<String> variables = text == null ? Set.of() : Template.names(text);
    Map<String, Integer> seen = new HashMap<>(recipients.size() * 2);
    for (int i = 0; i < recipients.size(); i++) {
      String at = "/recipients/" + i;
      Recipient r = recipients.get(i);
      if (r == null) {
        problems.add(at, "is null");
        continue;
      }
      if (phone(at + "/phone", r.phone(), problems)) {
        Integer first = seen.putIfAbsent(r.phone(), i);
        if (first != null) {
          problems.add(at + "/phone", "duplicate of /recipients/" + first + "/phone");
        }
      }
      notUsed(at + "/email", r.email(), Channel.SMS, problems);
      maxLength(at + "/name", r.name(), MAX_NAME_LENGTH, problems);
      boolean complete = variables(at + "/variables", r.variables(), variables, problems);
      if (text != null && complete) {
        renderedSms(
            at,
            Template.render(text, r.variables() == null ? Map.of() : r.variables()),
            cost,
            problems);
      }
    }
  }

  private static void renderedSms(String at, String rendered, SmsCost cost, Problems problems) {
    if (rendered.length() > MAX_SMS_TEXT_LENGTH) {
      problems.add(
          at,
          ("text becomes %d characters with this recipient's variables; an SMS text is at most"
                  + " %d characters")
              .formatted(rendered.length(), MAX_SMS_TEXT_LENGTH));
    } else if (rendered.isBlank()) {
      problems.add(at, "text becomes blank with this recipient's variables");
    } else {
      cost.add(SmsSegments.of(rendered));
    }
  }

  /** True when every required variable has a value. */
  private static boolean variables(
      String at, Map<String, String> values, Set<String> required, Problems problems) {
    Map<String, String> given = values == null ? Map.of() : values;
    boolean complete = true;
    for (String name : required) {
      if (given.get(name) == null) {
        problems.add(at, "no value for template variable {{" + name + "}}");
        complete = false;
      }
    }
    int bytes = 0;
    for (var e : given.entrySet()) {
      bytes += e.getKey().length() + 4 + utf8Length(e.getValue());
    }
    if (bytes > MAX_VARIABLE_BYTES) {
      problems.add(at, "variables exceed " + MAX_VARIABLE_BYTES + " bytes");
    }
    return complete;
  }

  private Instant sendAt(String value, Problems problems) {
    Instant now = clock.instant();
    if (value == null || value.isBlank()) {
      return now;
    }
    try {
      Instant at = OffsetDateTime.parse(value).toInstant();
      if (at.isAfter(now.plus(MAX_SCHEDULE_AHEAD))) {
        problems.add("/sendAt", "at most " + MAX_SCHEDULE_AHEAD.toDays() + " days ahead");
      }
      return at.isBefore(now) ? now : at;
    } catch (DateTimeParseException e) {
      problems.add("/sendAt", "not an RFC 3339 date-time such as 2026-12-01T09:00:00Z");
      return now;
    }
  }

  private Duration receiptTimeout(String value, Channel channel, Problems problems) {
    Duration byDefault =
        channel == Channel.SMS ? defaultSmsReceiptTimeout : defaultEmailReceiptTimeout;
    if (value == null || value.isBlank()) {
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

  private static boolean email(String at, String value, Problems problems) {
    if (value == null || value.isBlank()) {
      problems.add(at, "is required");
      return false;
    }
    if (value.length() > MAX_ADDRESS_LENGTH || !EMAIL.matcher(value).matches()) {
      problems.add(at, "is not a valid email address");
      return false;
    }
    return true;
  }

  private static void senderId(String value, Problems problems) {
    if (isBlank(value)) {
      problems.add("/from/senderId", "is required");
    } else if (!ALPHANUMERIC_SENDER.matcher(value).matches()
        && !NUMERIC_SENDER.matcher(value).matches()) {
      problems.add(
          "/from/senderId",
          "is not a valid sender id: 1 to 11 letters, digits and spaces with at least one letter,"
              + " or a phone number in E.164 format such as +447700900123");
    }
  }

  private static boolean phone(String at, String value, Problems problems) {
    if (isBlank(value)) {
      problems.add(at, "is required");
      return false;
    }
    if (!PHONE.matcher(value).matches()) {
      problems.add(at, "is not a phone number in E.164 format such as +447700900123");
      return false;
    }
    return true;
  }

  /** A field that belongs to the other channel: given here, it points to a mistake. */
  private static void notUsed(String at, String value, Channel channel, Problems problems) {
    if (value != null) {
      problems.add(at, "not used for " + channel + " channel");
    }
  }

  private static void maxLength(String at, String value, int max, Problems problems) {
    if (value != null && value.length() > max) {
      problems.add(at, "at most " + max + " characters");
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static int utf8Length(String value) {
    return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
  }

  /** What an SMS sendout costs: the worst encoding, the longest message, the sum of segments. */
  private static final class SmsCost {
    private SmsSegments.Encoding encoding = SmsSegments.Encoding.GSM_7;
    private int maxSegments;
    private long totalSegments;

    void add(SmsSegments message) {
      if (message.encoding() == SmsSegments.Encoding.UCS_2) {
        encoding = SmsSegments.Encoding.UCS_2;
      }
      maxSegments = Math.max(maxSegments, message.segments());
      totalSegments += message.segments();
    }
  }

  /** Collects problems, keeping the first {@link #MAX_REPORTED} and counting the rest. */
  private static final class Problems {
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
