package dev.sendout.core.config;

import org.springframework.core.env.Environment;

/**
 * Which providers the engine talks to and trusts, from {@code SENDOUT_PROVIDERS}. In {@code
 * sandbox} mode (the default) every provider setting defaults to the sandbox's. In {@code live}
 * mode nothing does: each app refuses to start, naming the setting, unless every provider address,
 * key and webhook secret it uses is set, so that a forgotten variable can neither send to the
 * sandbox nor trust a receipt signed with the sandbox's key.
 */
public enum ProviderMode {
  SANDBOX,
  LIVE;

  public static final String VARIABLE = "SENDOUT_PROVIDERS";

  /**
   * The mode the environment asks for. Anything but {@code sandbox} or {@code live} stops the app:
   * a misspelt {@code live} must not fall back to the sandbox's defaults.
   */
  public static ProviderMode of(Environment environment) {
    // Blank counts as unset, as a variable passed on empty (compose's "SENDOUT_PROVIDERS:") is.
    String value = environment.getProperty(VARIABLE, "").strip();
    return switch (value) {
      case "" -> SANDBOX;
      case "sandbox" -> SANDBOX;
      case "live" -> LIVE;
      default ->
          throw InvalidSetting.invalid(
              VARIABLE, "it must be sandbox (the default) or live, not '" + value + "'", null);
    };
  }

  /**
   * In live mode, the setting that {@code property} resolves to must have a value, and not the one
   * {@code sandboxVariable} holds (the sandbox's own, where its keys file is imported).
   *
   * @param variable the environment variable that sets it, named in the refusal
   * @param sandboxVariable where the sandbox's value of the same setting would be; null for none
   * @param why what the app needs the setting for
   */
  public void require(
      Environment environment,
      String property,
      String variable,
      String sandboxVariable,
      String why) {
    if (this != LIVE) {
      return;
    }
    String value = environment.getProperty(property);
    if (value == null || value.isBlank()) {
      throw InvalidSetting.missing(
          variable, why + "; with " + VARIABLE + "=live it has no default");
    }
    String sandbox = sandboxVariable == null ? null : environment.getProperty(sandboxVariable);
    if (sandbox != null && sandbox.strip().equals(value.strip())) {
      throw InvalidSetting.missing(
          variable,
          why
              + "; the value in use is the sandbox's (imported with its keys file), which "
              + VARIABLE
              + "=live never trusts");
    }
  }
}
