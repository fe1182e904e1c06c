package dev.sendout.sandbox.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Collects what is wrong with a provider's webhook settings as a field and a reason, so that the
 * rules are written once and each provider only shapes the problems as its own errors.
 */
public final class SettingsCheck {

  private record Problem(String field, String reason) {}

  private final List<Problem> problems = new ArrayList<>();

  /** The URL must be absent or one the poster can post to. */
  public SettingsCheck webhookUrl(WebhookSettings settings) {
    if (settings.enabled() && !WebhookClient.isHttpUrl(settings.webhookUrl())) {
      problems.add(new Problem("webhookUrl", "must be empty or an absolute http or https URL"));
    }
    return this;
  }

  /** The attempts and the first backoff of the retries. */
  public SettingsCheck retries(WebhookSettings settings) {
    atLeast("maxAttempts", settings.maxAttempts(), 1);
    return between(
        "retryInitialBackoffMs", settings.retryInitialBackoffMs(), 0, WebhookClient.MAX_BACKOFF_MS);
  }

  public SettingsCheck share(String field, double value) {
    if (!(value >= 0.0 && value <= 1.0)) {
      problems.add(new Problem(field, "must be between 0 and 1"));
    }
    return this;
  }

  public SettingsCheck atLeast(String field, long value, long min) {
    if (value < min) {
      problems.add(new Problem(field, "must be at least " + min));
    }
    return this;
  }

  public SettingsCheck between(String field, long value, long min, long max) {
    if (value < min || value > max) {
      problems.add(new Problem(field, "must be between " + min + " and " + max));
    }
    return this;
  }

  /** The problems found, in the order checked, shaped by the provider; the list is mutable. */
  public <P> List<P> problems(BiFunction<String, String, P> shape) {
    List<P> shaped = new ArrayList<>(problems.size());
    for (Problem problem : problems) {
      shaped.add(shape.apply(problem.field(), problem.reason()));
    }
    return shaped;
  }
}
