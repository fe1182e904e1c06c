package dev.sendout.core.channel.email;

import dev.sendout.core.content.Html;
import dev.sendout.core.content.Template;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An email's content as one SendGrid request carries it to up to a thousand recipients: each part
 * with its variables written as substitution tags, and for each recipient a value for each tag.
 * SendGrid replaces tags literally, so a variable that the html part escapes has a tag of its own,
 * whose value is escaped here; in the subject, the text and where the html part asks for a raw
 * value ({@code {{{name}}}}, {@code {{& name}}}), the tag is {@code {{name}}} and its value as
 * given.
 *
 * @param tags each tag used, and what fills it
 */
public record Substitutions(String subject, String text, String html, Map<String, Tag> tags) {

  /** What fills a tag: the value of a variable, HTML-escaped or as given. */
  public record Tag(String variable, boolean escaped) {}

  /**
   * SendGrid refuses a personalization whose substitutions, tags and values, exceed 10,000 bytes.
   */
  public static final int MAX_BYTES = 10_000;

  /**
   * The content in this form. Its parts are read {@linkplain Template#lenient leniently}: content
   * stored before templates were checked is sent as it was then, with its valid tags filled.
   */
  public static Substitutions of(EmailContent content) {
    Map<String, Tag> tags = new LinkedHashMap<>();
    return new Substitutions(
        tagged(content.subject(), false, tags),
        tagged(content.text(), false, tags),
        tagged(content.html(), true, tags),
        Map.copyOf(tags));
  }

  /** Each tag's value for one recipient; a tag whose variable has no value is left out. */
  public Map<String, String> values(Map<String, String> variables) {
    Map<String, String> values = new LinkedHashMap<>();
    tags.forEach(
        (tag, fill) -> {
          String value = variables.get(fill.variable());
          if (value != null) {
            values.put(tag, fill.escaped() ? Html.escape(value) : value);
          }
        });
    return values;
  }

  /** The size SendGrid measures of one recipient's substitutions: tags and values in UTF-8. */
  public int bytes(Map<String, String> variables) {
    int bytes = 0;
    for (var e : values(variables).entrySet()) {
      bytes += utf8(e.getKey()) + utf8(e.getValue());
    }
    return bytes;
  }

  private static String tagged(String part, boolean html, Map<String, Tag> tags) {
    if (part == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(part.length());
    for (Template.Piece piece : Template.lenient(part).pieces()) {
      if (piece instanceof Template.Variable v) {
        boolean escaped = html && !v.raw();
        String tag = escaped ? "{{" + v.name() + "|html}}" : "{{" + v.name() + "}}";
        tags.put(tag, new Tag(v.name(), escaped));
        out.append(tag);
      } else {
        out.append(((Template.Text) piece).text());
      }
    }
    return out.toString();
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
