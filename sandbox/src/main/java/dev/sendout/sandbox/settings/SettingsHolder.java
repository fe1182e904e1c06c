package dev.sendout.sandbox.settings;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Holds settings that can change while the sandbox runs. Readers see one immutable value, so a
 * message or a batch never mixes old and new settings.
 *
 * @param <S> the settings type
 * @param <P> the provider's shape of one problem
 */
public abstract class SettingsHolder<S, P> {

  private final Function<S, List<P>> check;
  private volatile S current;

  /**
   * @param startup the settings bound at start, refused with an exception when invalid
   * @param check lists what is wrong with a value, empty when it is valid
   * @param startupError the message that refuses invalid start-up settings
   */
  protected SettingsHolder(
      S startup, Function<S, List<P>> check, Function<List<P>, String> startupError) {
    this.check = check;
    List<P> problems = check.apply(startup);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(startupError.apply(problems));
    }
    this.current = startup;
  }

  public S current() {
    return current;
  }

  /**
   * Applies the update unless the merged settings would be invalid. It is synchronized so that two
   * concurrent updates cannot both merge into the same old value and lose one another's fields.
   */
  protected synchronized SettingsChange<S, P> change(UnaryOperator<S> update) {
    S merged = update.apply(current);
    List<P> problems = check.apply(merged);
    if (!problems.isEmpty()) {
      return SettingsChange.rejected(problems);
    }
    current = merged;
    return SettingsChange.applied(merged);
  }
}
