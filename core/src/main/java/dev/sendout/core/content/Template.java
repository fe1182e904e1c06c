package dev.sendout.core.content;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The per-recipient variable syntax shared by every channel: the variables of Mustache and nothing
 * else. {@code {{name}}} is a variable, escaped where the part it stands in asks for it (an email's
 * html part); {@code {{{name}}}} and {@code {{& name}}} are the same variable never escaped. A name
 * is a Java-style identifier, with optional spaces or tabs inside the braces ({@code {{ name }}}).
 *
 * <p>Every <code>{{</code> opens a tag, and a tag this engine does not render is refused by {@link
 * #parse} rather than sent as written: an unclosed one, one that spans lines, and Mustache's
 * sections, partials, comments and delimiter changes. The parser is our own rather than a Mustache
 * library's because the libraries turn an unclosed <code>{{</code> into text without a word, and
 * email is not rendered here anyway: SendGrid fills in each recipient's values ({@code
 * channel.email.Substitutions}).
 */
public final class Template {

  /** One piece of a template: text, or a variable. */
  public sealed interface Piece permits Text, Variable {}

  /** Text taken as it is. */
  public record Text(String text) implements Piece {}

  /**
   * A variable.
   *
   * @param raw never escaped: written {@code {{{name}}}} or {@code {{& name}}}
   * @param written the tag as written, rendered in place of a value that is missing
   */
  public record Variable(String name, boolean raw, String written) implements Piece {}

  /** The syntax error of a template, with its line and column. */
  public static final class SyntaxException extends IllegalArgumentException {
    SyntaxException(String message) {
      super(message);
    }
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Tags quoted in an error are cut to this many characters. */
  private static final int MAX_QUOTED = 40;

  private static final String SUPPORTED =
      "only variables are supported: {{name}}, or {{{name}}} and {{& name}} to leave a value"
          + " unescaped";

  private final List<Piece> pieces;

  private Template(List<Piece> pieces) {
    this.pieces = List.copyOf(pieces);
  }

  /**
   * The template, checked.
   *
   * @throws SyntaxException naming the first tag this engine does not render, where it is, and why
   */
  public static Template parse(String source) {
    return parse(source, true);
  }

  /**
   * The template, with anything that is not a valid tag taken as text. For content stored before
   * templates were checked, which must still be sent as it was then.
   */
  public static Template lenient(String source) {
    return parse(source, false);
  }

  public List<Piece> pieces() {
    return pieces;
  }

  /** The variable names the template references, in order of first use. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (Piece piece : pieces) {
      if (piece instanceof Variable v) {
        names.add(v.name());
      }
    }
    return names;
  }

  /**
   * The template with every variable replaced by its value, escaped unless the variable is raw. A
   * variable without a value is left as written: requests are refused when a recipient lacks one,
   * so this only happens to text that was never checked, and showing the gap beats guessing.
   */
  public String render(Map<String, String> values, UnaryOperator<String> escape) {
    StringBuilder out = new StringBuilder();
    for (Piece piece : pieces) {
      if (piece instanceof Variable v) {
        String value = values.get(v.name());
        out.append(value == null ? v.written() : v.raw() ? value : escape.apply(value));
      } else {
        out.append(((Text) piece).text());
      }
    }
    return out.toString();
  }

  /**
   * The variable names referenced anywhere in the given parts, in order of first use. The parts are
   * read {@link #lenient leniently}.
   */
  public static Set<String> names(String... parts) {
    Set<String> names = new LinkedHashSet<>();
    for (String part : parts) {
      if (part != null) {
        names.addAll(lenient(part).names());
      }
    }
    return names;
  }

  /**
   * The template read {@link #lenient leniently} and rendered with values taken literally, as a
   * part that is not HTML (an SMS, an email's subject or text) is.
   */
  public static String render(String template, Map<String, String> values) {
    return lenient(template).render(values, UnaryOperator.identity());
  }

  private static Template parse(String source, boolean strict) {
    List<Piece> pieces = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int at = 0;
    while (at < source.length()) {
      int open = source.indexOf("{{", at);
      if (open < 0) {
        text.append(source, at, source.length());
        break;
      }
      text.append(source, at, open);
      Tag tag = tag(source, open);
      if (tag.problem() != null) {
        if (strict) {
          throw new SyntaxException(position(source, open) + ": " + tag.problem());
        }
        // The old reading: a brace that opens no variable is text, and the next one may open one.
        text.append('{');
        at = open + 1;
        continue;
      }
      if (!text.isEmpty()) {
        pieces.add(new Text(text.toString()));
        text.setLength(0);
      }
      pieces.add(tag.variable());
      at = tag.end();
    }
    if (!text.isEmpty()) {
      pieces.add(new Text(text.toString()));
    }
    return new Template(pieces);
  }

  /** A tag read: its variable and where it ends, or what is wrong with it. */
  private record Tag(Variable variable, int end, String problem) {
    static Tag wrong(String problem) {
      return new Tag(null, -1, problem);
    }
  }

  /**
   * Reads the tag that opens at {@code open}. Its closer is looked for only up to the next <code>{{
   * </code> or line break, where the tag would be wrong anyway: so reading every tag of a template,
   * the lenient way too, which goes on one character after a wrong tag, is linear in its length.
   * (Searching the whole rest of the text from each <code>{{</code> made a text of 80,000 braces
   * take eight seconds to refuse.)
   */
  private static Tag tag(String source, int open) {
    boolean triple = source.startsWith("{{{", open);
    String closer = triple ? "}}}" : "}}";
    int start = open + (triple ? 3 : 2);
    int close = start;
    while (close < source.length()
        && !source.startsWith(closer, close)
        && !source.startsWith("{{", close)
        && !isNewline(source.charAt(close))) {
      close++;
    }
    if (!source.startsWith(closer, close)) {
      return Tag.wrong(
          "'%s' is not closed: a tag ends with '%s' on the same line, before the next '{{'"
              .formatted(quoted(source, open, close), closer));
    }
    String inside = source.substring(start, close);
    int end = close + closer.length();
    String written = source.substring(open, end);
    String name = inside.strip();
    boolean raw = triple;
    if (!triple && name.startsWith("&")) {
      raw = true;
      name = name.substring(1).strip();
    } else if (!triple && !name.isEmpty()) {
      String kind = unsupported(name.charAt(0));
      if (kind != null) {
        return Tag.wrong("'%s' is %s; %s".formatted(quoted(written), kind, SUPPORTED));
      }
    }
    if (name.isEmpty()) {
      return Tag.wrong("'%s' names no variable".formatted(quoted(written)));
    }
    if (!NAME.matcher(name).matches()) {
      return Tag.wrong(
          ("'%s' is not a variable name: a name is ASCII letters (A-Z, a-z), digits and _, and does not"
                  + " start with a digit")
              .formatted(quoted(written)));
    }
    return new Tag(new Variable(name, raw, written), end, null);
  }

  /** What Mustache means by a tag that starts with this character, when it is not a variable. */
  private static String unsupported(char sigil) {
    return switch (sigil) {
      case '#' -> "a section";
      case '^' -> "an inverted section";
      case '/' -> "the end of a section";
      case '>' -> "a partial";
      case '<', '$' -> "template inheritance";
      case '!' -> "a comment";
      case '=' -> "a change of delimiters";
      case '%' -> "a pragma";
      default -> null;
    };
  }

  private static boolean isNewline(char c) {
    return c == '\n' || c == '\r';
  }

  private static String quoted(String tag) {
    return tag.length() <= MAX_QUOTED ? tag : tag.substring(0, MAX_QUOTED) + "…";
  }

  /** The source from {@code from} to {@code to}, quoted; only as much of it is copied. */
  private static String quoted(String source, int from, int to) {
    return quoted(source.substring(from, Math.min(to, from + MAX_QUOTED + 1)));
  }

  /** Line and column, both from 1, of a position in the source. */
  private static String position(String source, int index) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < index; i++) {
      char c = source.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= source.length() || source.charAt(i + 1) != '\n'))) {
        line++;
        lineStart = i + 1;
      }
    }
    return "line %d, column %d".formatted(line, index - lineStart + 1);
  }
}
