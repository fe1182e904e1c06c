package dev.sendout.sandbox.vonage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Checks an SMS text request the way the Messages API does, reporting every offending parameter at
 * once. Fields it does not know, such as {@code sms} or {@code ttl}, are ignored.
 */
@Component
public class SmsValidator {

  static final int MAX_TEXT_LENGTH = 1000;
  static final int MAX_CLIENT_REF_LENGTH = 100;

  /** E.164 without the '+': a country code never starts with 0, and 15 digits at most. */
  private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]{6,14}");

  private static final Pattern ALPHANUMERIC_SENDER = Pattern.compile("[A-Za-z0-9 ]{1,11}");
  private static final Pattern NUMERIC_SENDER = Pattern.compile("[0-9]{7,15}");

  private final List<String> invalidNumberPrefixes;

  public SmsValidator(VonageSandboxProperties properties) {
    this.invalidNumberPrefixes = List.copyOf(properties.invalidNumberPrefixes());
  }

  public List<InvalidParameter> validate(JsonNode request) {
    List<InvalidParameter> problems = new ArrayList<>();
    if (!"text".equals(string(request, "message_type"))) {
      problems.add(new InvalidParameter("message_type", "Only 'text' is supported here"));
    }
    if (!"sms".equals(string(request, "channel"))) {
      problems.add(new InvalidParameter("channel", "Only 'sms' is supported here"));
    }
    validateTo(string(request, "to"), problems);
    String from = string(request, "from");
    if (from == null
        || !(ALPHANUMERIC_SENDER.matcher(from).matches()
            || NUMERIC_SENDER.matcher(from).matches())) {
      problems.add(
          new InvalidParameter(
              "from", "Must be 1 to 11 letters, digits or spaces, or a number of 7 to 15 digits"));
    }
    String text = string(request, "text");
    if (text == null || text.isEmpty()) {
      problems.add(new InvalidParameter("text", "Must not be empty"));
    } else if (length(text) > MAX_TEXT_LENGTH) {
      problems.add(
          new InvalidParameter("text", "Must be at most " + MAX_TEXT_LENGTH + " characters"));
    }
    JsonNode clientRef = request.path("client_ref");
    if (!clientRef.isMissingNode()
        && !(clientRef.isString() && length(clientRef.stringValue()) <= MAX_CLIENT_REF_LENGTH)) {
      problems.add(
          new InvalidParameter(
              "client_ref",
              "Must be a string of at most " + MAX_CLIENT_REF_LENGTH + " characters"));
    }
    return problems;
  }

  private void validateTo(String to, List<InvalidParameter> problems) {
    if (to == null || !NUMBER.matcher(to).matches()) {
      problems.add(
          new InvalidParameter(
              "to", "Must be a number in E.164 format without '+': 7 to 15 digits, not from 0"));
      return;
    }
    for (String prefix : invalidNumberPrefixes) {
      if (to.startsWith(prefix)) {
        problems.add(new InvalidParameter("to", "The number is not in a country Vonage can reach"));
        return;
      }
    }
  }

  /** The field's text when it is a JSON string, else null: a number where text belongs is wrong. */
  static String string(JsonNode request, String field) {
    JsonNode node = request.path(field);
    return node.isString() ? node.stringValue() : null;
  }

  /** Counts characters as people do, so an emoji is one and not two UTF-16 units. */
  private static int length(String value) {
    return value.codePointCount(0, value.length());
  }
}
