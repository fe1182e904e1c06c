package dev.sendout.core.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a start stopped by an {@link InvalidSetting} as its one-line message, without the stack
 * trace or the "failed to bind properties" wrapping it would otherwise be buried in.
 */
class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSetting> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidSetting cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Set " + cause.variable() + " in the environment (docs/operations.md lists every setting).",
        cause);
  }
}
