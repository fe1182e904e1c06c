package dev.sendout.core.config;

import java.time.Duration;

/**
 * A setting the app cannot run without is missing or malformed. Thrown while the app starts, it
 * stops the start with one line that names the environment variable to set (see {@link
 * InvalidSettingFailureAnalyzer}), rather than letting the app run half-configured.
 */
public class InvalidSetting extends IllegalStateException {

  private final String variable;

  private InvalidSetting(String variable, String message, Throwable cause) {
    super(message, cause);
    this.variable = variable;
  }

  /** The setting has no value; {@code why} says what the app needs it for. */
  public static InvalidSetting missing(String variable, String why) {
    return new InvalidSetting(variable, variable + " is not set: " + why, null);
  }

  /** The setting has a value the app cannot use; {@code why} says what it must be. */
  public static InvalidSetting invalid(String variable, String why, Throwable cause) {
    return new InvalidSetting(variable, variable + " is invalid: " + why, cause);
  }

  /** Refuses a count below {@code least}, naming its variable. */
  public static void requireAtLeast(String variable, long value, long least) {
    if (value < least) {
      throw invalid(variable, "at least " + least + ", got " + value, null);
    }
  }

  /**
   * Refuses a duration that is missing or outside {@code least} to {@code most} (null: no upper
   * bound), naming its variable.
   *
   * @param bounds the bounds as the operator writes them, such as "from 1m to 30d such as 24h"
   */
  public static void requireWithin(
      String variable, Duration value, Duration least, Duration most, String bounds) {
    if (value == null
        || value.compareTo(least) < 0
        || (most != null && value.compareTo(most) > 0)) {
      throw invalid(variable, "a duration " + bounds + ", got " + value, null);
    }
  }

  /** The environment variable that sets it. */
  public String variable() {
    return variable;
  }
}
