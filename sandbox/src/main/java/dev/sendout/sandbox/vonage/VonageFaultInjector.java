package dev.sendout.sandbox.vonage;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Holds the fault modes and decides, request by request, whether a send fails. Both settings live
 * in one immutable value, so a request never sees half of an update.
 */
@Component
public class VonageFaultInjector {

  private final AtomicReference<FaultSettings> settings;

  public VonageFaultInjector(VonageSandboxProperties properties) {
    this.settings = new AtomicReference<>(properties.faults());
  }

  public FaultSettings current() {
    return settings.get();
  }

  public FaultSettings update(FaultsUpdate update) {
    return settings.updateAndGet(update::applyTo);
  }

  long latencyMs() {
    return settings.get().latencyMs();
  }

  boolean drawServerError() {
    double rate = settings.get().serverErrorRate();
    return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
  }
}
