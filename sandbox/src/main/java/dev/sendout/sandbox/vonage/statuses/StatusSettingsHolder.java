package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.vonage.InvalidParameter;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Holds the status webhook settings in force. Readers see one immutable value, so a message never
 * mixes old and new settings.
 */
@Component
public class StatusSettingsHolder {

  static final String SECRET_REQUIRED =
      "needs sandbox.vonage.statuses.signature-secret (env SANDBOX_VONAGE_SIGNATURE_SECRET), set at"
          + " start, because Vonage signs every status webhook";

  private final boolean hasSignatureSecret;
  private volatile StatusSettings current;

  public StatusSettingsHolder(StatusSettings startup, StatusStartupProperties secrets) {
    this.hasSignatureSecret = secrets.hasSignatureSecret();
    List<InvalidParameter> problems = problems(startup);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Invalid sandbox.vonage.statuses settings: "
              + problems.stream()
                  .map(p -> p.name() + " " + p.reason())
                  .collect(Collectors.joining("; ")));
    }
    this.current = startup;
  }

  public StatusSettings current() {
    return current;
  }

  /**
   * Applies the update unless the merged settings would be invalid, and returns the problems, empty
   * when it was applied. It is synchronized so that two concurrent updates cannot both merge into
   * the same old value and lose one another's fields.
   */
  synchronized List<InvalidParameter> apply(StatusesUpdate update) {
    StatusSettings merged = update.applyTo(current);
    List<InvalidParameter> problems = problems(merged);
    if (problems.isEmpty()) {
      current = merged;
    }
    return problems;
  }

  private List<InvalidParameter> problems(StatusSettings settings) {
    List<InvalidParameter> problems = settings.problems();
    if (settings.enabled() && !hasSignatureSecret) {
      problems.add(new InvalidParameter("webhookUrl", SECRET_REQUIRED));
    }
    return problems;
  }
}
