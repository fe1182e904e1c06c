package dev.sendout.core.config;

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

  /** The environment variable that sets it. */
  public String variable() {
    return variable;
  }
}
