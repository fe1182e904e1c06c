package dev.sendout.core.channel.email;

import dev.sendout.core.content.Html;
import dev.sendout.core.content.Template;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An email's content as one SendGrid request carries it to up to a thousand recipients: each part
 * with its variables written as substitution tags, and for each recipient a value for each tag.
 * SendGrid replaces tags literally, so a variable that the html part escapes has a tag of its own,
 * whose value is escaped here; in the subject, the text and where the html part asks for a raw
 * value ({@code {{{name}}}}, {@code {{& name}}}), the tag is {@code {{name|KEY}}} and its value as
 * given.
 *
 * <p>SendGrid replaces one tag after another in the text the earlier ones left, so a value holding
 * another tag's text would be filled in turn: a first name of {@code {{note}}} would bring the note
 * in raw, its HTML unescaped, into the html part. Every tag therefore ends in a key drawn at random
 * for each request, which no recipient's value can hold: a value is only ever text.
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
   * 64 random bits, 11 characters in every tag: unguessable for the moment a request lives, and
   * short, since SendGrid counts every tag in each recipient's {@link #MAX_BYTES}.
   */
  private static final int KEY_BYTES = 8;

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The content in this form. Its parts are read {@linkplain Template#lenient leniently}: content
   * stored before templates were checked is sent as it was then, with its valid tags filled.
   */
  public static Substitutions of(EmailContent content) {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return of(content, Base64.getUrlEncoder().withoutPadding().encodeToString(key));
  }

  /** The content in this form, its tags ending in {@code key}. */
  static Substitutions of(EmailContent content, String key) {
    Map<String, Tag> tags = new LinkedHashMap<>();
    return new Substitutions(
        tagged(content.subject(), false, key, tags),
        tagged(content.text(), false, key, tags),
        tagged(content.html(), true, key, tags),
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

  private static String tagged(String part, boolean html, String key, Map<String, Tag> tags) {
    if (part == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(part.length());
    for (Template.Piece piece : Template.lenient(part).pieces()) {
      if (piece instanceof Template.Variable v) {
        boolean escaped = html && !v.raw();
        String tag = "{{" + v.name() + (escaped ? "|html|" : "|") + key + "}}";
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
