package dev.sendout.sandbox.sendgrid;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Checks a mail send body the way SendGrid v3 does, reporting every problem at once with SendGrid's
 * messages and dotted field paths such as {@code personalizations.3.to.0.email}.
 */
@Component
public class MailSendValidator {

  static final int MAX_PERSONALIZATIONS = 1000;

  static final String FROM_REQUIRED =
      "The from object must be provided for every email send. It is an object that requires the"
          + " email parameter, but may also contain a name parameter.  e.g. {\"email\" :"
          + " \"example@example.com\"}  or {\"email\" : \"example@example.com\", \"name\" :"
          + " \"Example Recipient\"}.";
  static final String FROM_INVALID = "The from email does not contain a valid address.";
  static final String PERSONALIZATIONS_COUNT =
      "The personalizations field must have at least one and no more than 1000 objects.";
  static final String TO_REQUIRED =
      "The to array is required for all personalization objects, and must have at least one email"
          + " object with a valid email address.";
  static final String ADDRESS_INVALID = "Does not contain a valid address.";
  static final String ADDRESS_REPEATED =
      "Each unique email address in the personalizations array should only be included once. You"
          + " have included %s more than once.";
  static final String SUBJECT_REQUIRED =
      "The subject is required. You can get around this requirement if you use a template with a"
          + " subject defined or if every personalization has a subject defined.";
  static final String CONTENT_REQUIRED =
      "Unless a valid template_id is provided, the content parameter is required. There must be at"
          + " least one defined content block. We typically suggest both text/plain and text/html"
          + " blocks are included, but only one block is required.";
  static final String CONTENT_TYPE_REQUIRED =
      "The content type must be a string at least one character in length.";
  static final String CONTENT_VALUE_REQUIRED =
      "The content value must be a string at least one character in length.";

  /** A deliberately loose check: one @, no spaces, and a dot in the domain, like SendGrid's. */
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  public List<SendGridError> validate(JsonNode mail) {
    List<SendGridError> errors = new ArrayList<>();
    validateFrom(mail.path("from"), errors);
    boolean everyPersonalizationHasSubject = validatePersonalizations(mail, errors);
    if (!hasText(mail.path("subject")) && !everyPersonalizationHasSubject) {
      errors.add(SendGridError.of(SUBJECT_REQUIRED, "subject"));
    }
    validateContent(mail.path("content"), errors);
    return errors;
  }

  private static void validateFrom(JsonNode from, List<SendGridError> errors) {
    JsonNode email = from.path("email");
    if (!hasText(email)) {
      errors.add(SendGridError.of(FROM_REQUIRED, "from.email"));
    } else if (!isEmail(email.stringValue())) {
      errors.add(SendGridError.of(FROM_INVALID, "from.email"));
    }
  }

  /** Validates every personalization and reports whether each one carries its own subject. */
  private static boolean validatePersonalizations(JsonNode mail, List<SendGridError> errors) {
    JsonNode personalizations = mail.path("personalizations");
    if (!personalizations.isArray()
        || personalizations.isEmpty()
        || personalizations.size() > MAX_PERSONALIZATIONS) {
      errors.add(SendGridError.of(PERSONALIZATIONS_COUNT, "personalizations"));
      // Checking each entry of an oversized or malformed list would only bury the real problem.
      return false;
    }
    boolean everyHasSubject = true;
    // SendGrid compares the addresses of the whole request without regard to case.
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < personalizations.size(); i++) {
      JsonNode personalization = personalizations.get(i);
      String path = "personalizations." + i;
      JsonNode to = personalization.path("to");
      if (!to.isArray() || to.isEmpty()) {
        errors.add(SendGridError.of(TO_REQUIRED, path + ".to"));
      } else {
        validateAddresses(to, path + ".to", seen, errors);
      }
      validateAddresses(personalization.path("cc"), path + ".cc", seen, errors);
      validateAddresses(personalization.path("bcc"), path + ".bcc", seen, errors);
      everyHasSubject &= hasText(personalization.path("subject"));
    }
    return everyHasSubject;
  }

  private static void validateAddresses(
      JsonNode list, String path, Set<String> seen, List<SendGridError> errors) {
    if (!list.isArray()) {
      return;
    }
    for (int j = 0; j < list.size(); j++) {
      JsonNode email = list.get(j).path("email");
      if (!hasText(email) || !isEmail(email.stringValue())) {
        errors.add(SendGridError.of(ADDRESS_INVALID, path + "." + j + ".email"));
      } else if (!seen.add(email.stringValue().toLowerCase(Locale.ROOT))) {
        errors.add(
            SendGridError.of(
                ADDRESS_REPEATED.formatted(email.stringValue()), path + "." + j + ".email"));
      }
    }
  }

  private static void validateContent(JsonNode content, List<SendGridError> errors) {
    if (!content.isArray() || content.isEmpty()) {
      errors.add(SendGridError.of(CONTENT_REQUIRED, "content"));
      return;
    }
    for (int i = 0; i < content.size(); i++) {
      JsonNode block = content.get(i);
      if (!hasText(block.path("type"))) {
        errors.add(SendGridError.of(CONTENT_TYPE_REQUIRED, "content." + i + ".type"));
      }
      if (!hasText(block.path("value"))) {
        errors.add(SendGridError.of(CONTENT_VALUE_REQUIRED, "content." + i + ".value"));
      }
    }
  }

  private static boolean hasText(JsonNode node) {
    return node.isString() && !node.stringValue().isEmpty();
  }

  private static boolean isEmail(String address) {
    return EMAIL.matcher(address).matches();
  }
}
