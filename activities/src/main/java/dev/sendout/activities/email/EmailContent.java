package dev.sendout.activities.email;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an email sendout says. Subject, text and html may reference per-recipient variables as
 * {@code {{name}}}; each recipient must supply a value for every variable referenced.
 */
public record EmailContent(
    String fromAddress, String fromName, String subject, String text, String html) {

  /** A template variable: {@code {{name}}}, the name a Java-style identifier. */
  public static final Pattern VARIABLE =
      Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

  /** The variable names referenced anywhere in the content, in order of first use. */
  public Set<String> variables() {
    Set<String> names = new LinkedHashSet<>();
    for (String part : new String[] {subject, text, html}) {
      if (part != null) {
        Matcher m = VARIABLE.matcher(part);
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }
}
