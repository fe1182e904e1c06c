package dev.sendout.sandbox.sendgrid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Renders each personalization of a validated mail send the way SendGrid would deliver it, so tests
 * can check that the right name reached the right recipient.
 */
@Component
public class PersonalizationRenderer {

  public List<RenderedPersonalization> render(JsonNode mail) {
    String defaultSubject = mail.path("subject").asString(null);
    // The content blocks are shared by all personalizations, so they are looked up only once.
    String text = contentOfType(mail.path("content"), "text/plain");
    String html = contentOfType(mail.path("content"), "text/html");
    JsonNode personalizations = mail.path("personalizations");
    List<RenderedPersonalization> rendered = new ArrayList<>(personalizations.size());
    for (JsonNode personalization : personalizations) {
      JsonNode substitutions = personalization.path("substitutions");
      String subject = personalization.path("subject").asString(defaultSubject);
      rendered.add(
          new RenderedPersonalization(
              personalization.path("custom_args").path("message_id").asString(null),
              recipients(personalization.path("to")),
              substitute(subject, substitutions),
              substitute(text, substitutions),
              substitute(html, substitutions),
              headers(mail.path("headers"), personalization.path("headers"))));
    }
    return rendered;
  }

  /** The mail's headers, then the personalization's, which win on the same name. */
  private static Map<String, String> headers(JsonNode mail, JsonNode personalization) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (JsonNode level : List.of(mail, personalization)) {
      if (level.isObject()) {
        for (Map.Entry<String, JsonNode> h : level.properties()) {
          headers.put(h.getKey(), h.getValue().asString(""));
        }
      }
    }
    return headers;
  }

  private static String contentOfType(JsonNode content, String type) {
    for (JsonNode block : content) {
      if (type.equalsIgnoreCase(block.path("type").asString(""))) {
        return block.path("value").asString(null);
      }
    }
    return null;
  }

  private static String recipients(JsonNode to) {
    return StreamSupport.stream(to.spliterator(), false)
        .map(address -> address.path("email").asString(""))
        .collect(Collectors.joining(", "));
  }

  /**
   * Replaces every occurrence of each substitution key, as SendGrid does with the substitution tags
   * of its v3 Mail Send {@code substitutions}, such as {@code {{firstName}}}.
   */
  private static String substitute(String template, JsonNode substitutions) {
    if (template == null || !substitutions.isObject()) {
      return template;
    }
    String result = template;
    for (Map.Entry<String, JsonNode> substitution : substitutions.properties()) {
      result = result.replace(substitution.getKey(), substitution.getValue().asString(""));
    }
    return result;
  }
}
