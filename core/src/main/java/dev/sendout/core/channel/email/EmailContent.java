package dev.sendout.core.channel.email;

import dev.sendout.core.content.Template;
import java.util.Set;

/**
 * What an email sendout says. Subject, text and html may reference per-recipient variables as
 * {@code {{name}}} (see {@link Template}); each recipient must supply a value for every variable
 * referenced.
 */
public record EmailContent(
    String fromAddress, String fromName, String subject, String text, String html) {

  /** The variable names referenced anywhere in the content, in order of first use. */
  public Set<String> variables() {
    return Template.names(subject, text, html);
  }
}
