package dev.sendout.sandbox.sendgrid;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Holds the fault modes and decides, request by request, whether a mail send fails.
 *
 * <p>All settings live in one immutable value behind an atomic reference, so a request always sees
 * a consistent set of rates and the forced-failure countdown is consumed exactly once per request
 * even when many requests and a settings change race.
 */
@Component
public class FaultInjector {

  private final AtomicReference<FaultSettings> settings;

  public FaultInjector(SendGridSandboxProperties properties) {
    this.settings = new AtomicReference<>(properties.faults());
  }

  public FaultSettings current() {
    return settings.get();
  }

  public FaultSettings update(FaultsUpdate update) {
    return settings.updateAndGet(update::applyTo);
  }

  public long latencyMs() {
    return settings.get().latencyMs();
  }

  /**
   * Picks the failure for the current request, if any. A pending forced failure wins over the
   * random rates; otherwise a single random draw is split between throttling and server errors so
   * the two rates are exactly the shares of requests they name.
   */
  public Optional<InjectedFault> draw() {
    FaultSettings before = settings.getAndUpdate(FaultSettings::consumeForcedFailure);
    if (before.failNextRequests() != null) {
      return Optional.of(
          new InjectedFault(before.failNextRequests().status(), before.retryAfterSeconds()));
    }
    double roll = ThreadLocalRandom.current().nextDouble();
    if (roll < before.throttleRate()) {
      return Optional.of(new InjectedFault(429, before.retryAfterSeconds()));
    }
    if (roll < before.throttleRate() + before.serverErrorRate()) {
      return Optional.of(new InjectedFault(500, before.retryAfterSeconds()));
    }
    return Optional.empty();
  }
}
