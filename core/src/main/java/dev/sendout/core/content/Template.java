package dev.sendout.core.content;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-recipient variable syntax shared by every channel: {@code {{name}}}, the name a
 * Java-style identifier, with optional whitespace inside the braces ({@code {{ name }}}).
 */
public final class Template {

  /** A template variable; group 1 is its name. */
  public static final Pattern VARIABLE =
      Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

  private Template() {}

  /** The variable names referenced anywhere in the given parts, in order of first use. */
  public static Set<String> names(String... parts) {
    Set<String> names = new LinkedHashSet<>();
    for (String part : parts) {
      if (part != null) {
        Matcher m = VARIABLE.matcher(part);
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  /**
   * The template with every variable replaced by its value, taken literally. A variable without a
   * value is left as written: requests are refused when a recipient lacks one, so this only happens
   * to text that was never checked, and showing the gap beats guessing a value.
   */
  public static String render(String template, Map<String, String> values) {
    Matcher m = VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder(template.length());
    while (m.find()) {
      String value = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
