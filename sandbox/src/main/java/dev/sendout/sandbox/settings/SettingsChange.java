package dev.sendout.sandbox.settings;

import java.util.List;

/**
 * What became of a request to change settings at run time: the settings now in force, or the
 * problems that stopped the change, in which case nothing changed.
 *
 * @param settings the settings in force after the change, or null when it was rejected
 * @param problems what is wrong with the change, empty when it was applied
 * @param <S> the settings type
 * @param <P> the provider's shape of one problem
 */
public record SettingsChange<S, P>(S settings, List<P> problems) {

  public static <S, P> SettingsChange<S, P> applied(S settings) {
    return new SettingsChange<>(settings, List.of());
  }

  public static <S, P> SettingsChange<S, P> rejected(List<P> problems) {
    return new SettingsChange<>(null, problems);
  }

  public boolean isApplied() {
    return problems.isEmpty();
  }
}
