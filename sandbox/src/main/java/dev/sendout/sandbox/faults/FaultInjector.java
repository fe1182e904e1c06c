package dev.sendout.sandbox.faults;

import dev.sendout.sandbox.settings.SettingsChange;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Holds a provider's fault modes; each provider adds how it decides, request by request, whether a
 * request fails.
 *
 * <p>All modes live in one immutable value behind an atomic reference, so a request always sees a
 * consistent set of them and never half of an update, even when requests and a change race.
 *
 * @param <S> the provider's fault modes
 */
public abstract class FaultInjector<S extends FaultModes> {

  private final AtomicReference<S> settings;

  protected FaultInjector(S startup) {
    this.settings = new AtomicReference<>(startup);
  }

  public S current() {
    return settings.get();
  }

  public S update(FaultModesUpdate<S, ?> update) {
    return settings.updateAndGet(update::applyTo);
  }

  /** Applies a valid update, or leaves the modes alone and reports what is wrong with it. */
  public <P> SettingsChange<S, P> change(FaultModesUpdate<S, P> update) {
    List<P> problems = update.validate();
    if (!problems.isEmpty()) {
      return SettingsChange.rejected(problems);
    }
    return SettingsChange.applied(update(update));
  }

  public long latencyMs() {
    return settings.get().latencyMs();
  }

  public boolean rejectsCredentials() {
    return settings.get().rejectCredentials();
  }

  /** Replaces the modes and returns those in force before, for a countdown that is used up. */
  protected S getAndUpdate(UnaryOperator<S> update) {
    return settings.getAndUpdate(update);
  }

  /** A draw that comes true at this rate, drawing nothing when the rate is zero. */
  protected static boolean chance(double rate) {
    return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
  }
}
