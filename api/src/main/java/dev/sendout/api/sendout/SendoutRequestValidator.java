package dev.sendout.api.sendout;

import dev.sendout.activities.email.EmailContent;
import dev.sendout.api.ApiProperties;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
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

  /** SendGrid refuses personalizations whose substitutions exceed 10,000 bytes. */
  private static final int MAX_VARIABLE_BYTES = 10_000;

  private static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(366);

  /**
   * Receipt deadlines shorter than a minute would flag messages the provider is still handling;
   * beyond 30 days nobody waits for a survey invitation.
   */
  static final Duration MIN_RECEIPT_TIMEOUT = Duration.ofMinutes(1);

  static final Duration MAX_RECEIPT_TIMEOUT = Duration.ofDays(30);

  private final int maxRecipients;
  private final Duration defaultEmailReceiptTimeout;
  private final Clock clock;

  public SendoutRequestValidator(ApiProperties properties, Clock clock) {
    this.maxRecipients = properties.maxRecipientsPerRequest();
    this.defaultEmailReceiptTimeout = properties.emailReceiptTimeout();
    this.clock = clock;
  }

  /** A request that passed every check, with its parts converted. */
  public record Valid(
      Channel channel, EmailContent content, Instant sendAt, Duration receiptTimeout) {}

  public Valid validate(CreateSendoutRequest request) {
    Problems problems = new Problems();
    Channel channel = channel(request.channel(), problems);
    EmailContent content = emailContent(request, problems);
    recipients(request.recipients(), content.variables(), problems);
    Instant sendAt = sendAt(request.sendAt(), problems);
    Duration receiptTimeout = receiptTimeout(request.receiptTimeout(), problems);
    problems.throwIfAny();
    return new Valid(channel, content, sendAt, receiptTimeout);
  }

  private static Channel channel(String value, Problems problems) {
    if (value == null) {
      problems.add("/channel", "is required; one of: EMAIL");
      return null;
    }
    if (!"EMAIL".equals(value)) {
      problems.add("/channel", "unknown channel '" + value + "'; one of: EMAIL");
      return null;
    }
    return Channel.EMAIL;
  }

  private static EmailContent emailContent(CreateSendoutRequest request, Problems problems) {
    var from = request.from();
    if (from == null) {
      problems.add("/from", "is required");
    } else {
      email("/from/email", from.email(), problems);
      maxLength("/from/name", from.name(), MAX_NAME_LENGTH, problems);
    }
    if (request.subject() == null || request.subject().isBlank()) {
      problems.add("/subject", "is required");
    }
    maxLength("/subject", request.subject(), MAX_SUBJECT_LENGTH, problems);
    if (isBlank(request.text()) && isBlank(request.html())) {
      problems.add("/text", "text or html is required");
    }
    return new EmailContent(
        from == null ? null : from.email(),
        from == null ? null : from.name(),
        request.subject(),
        request.text(),
        request.html());
  }

  private void recipients(List<Recipient> recipients, Set<String> variables, Problems problems) {
    if (recipients == null || recipients.isEmpty()) {
      problems.add("/recipients", "at least one recipient is required");
      return;
    }
    if (recipients.size() > maxRecipients) {
      problems.add(
          "/recipients",
          "at most %d recipients per request, got %d".formatted(maxRecipients, recipients.size()));
      return;
    }
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
      maxLength(at + "/name", r.name(), MAX_NAME_LENGTH, problems);
      variables(at + "/variables", r.variables(), variables, problems);
    }
  }

  private static void variables(
      String at, Map<String, String> values, Set<String> required, Problems problems) {
    Map<String, String> given = values == null ? Map.of() : values;
    for (String name : required) {
      if (given.get(name) == null) {
        problems.add(at, "no value for template variable {{" + name + "}}");
      }
    }
    int bytes = 0;
    for (var e : given.entrySet()) {
      bytes += e.getKey().length() + 4 + utf8Length(e.getValue());
    }
    if (bytes > MAX_VARIABLE_BYTES) {
      problems.add(at, "variables exceed " + MAX_VARIABLE_BYTES + " bytes");
    }
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

  private Duration receiptTimeout(String value, Problems problems) {
    if (value == null || value.isBlank()) {
      return defaultEmailReceiptTimeout;
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
      return defaultEmailReceiptTimeout;
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
