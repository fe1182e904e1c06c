package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.settings.SettingsChange;
import dev.sendout.sandbox.settings.SettingsHolder;
import dev.sendout.sandbox.vonage.InvalidParameter;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Holds the status webhook settings in force, refusing to switch statuses on without the signature
 * secret that every status must be signed with.
 */
@Component
public class StatusSettingsHolder extends SettingsHolder<StatusSettings, InvalidParameter> {

  static final String SECRET_REQUIRED =
      "needs sandbox.vonage.statuses.signature-secret (env SANDBOX_VONAGE_SIGNATURE_SECRET), set at"
          + " start, because Vonage signs every status webhook";

  public StatusSettingsHolder(StatusSettings startup, StatusStartupProperties secrets) {
    super(
        startup,
        settings -> problems(settings, secrets.hasSignatureSecret()),
        problems ->
            "Invalid sandbox.vonage.statuses settings: "
                + problems.stream()
                    .map(p -> p.name() + " " + p.reason())
                    .collect(Collectors.joining("; ")));
  }

  SettingsChange<StatusSettings, InvalidParameter> apply(StatusesUpdate update) {
    return change(update::applyTo);
  }

  private static List<InvalidParameter> problems(
      StatusSettings settings, boolean hasSignatureSecret) {
    List<InvalidParameter> problems = settings.problems();
    if (settings.enabled() && !hasSignatureSecret) {
      problems.add(new InvalidParameter("webhookUrl", SECRET_REQUIRED));
    }
    return problems;
  }
}
