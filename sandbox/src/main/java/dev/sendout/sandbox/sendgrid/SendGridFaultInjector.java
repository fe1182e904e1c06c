package dev.sendout.sandbox.sendgrid;

import dev.sendout.sandbox.faults.FaultInjector;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * Decides, request by request, whether a mail send fails. The forced-failure countdown is consumed
 * exactly once per request even when many requests and a settings change race.
 */
@Component
public class SendGridFaultInjector extends FaultInjector<FaultSettings> {

  public SendGridFaultInjector(SendGridSandboxProperties properties) {
    super(properties.faults());
  }

  /**
   * Picks the failure for the current request, if any. A pending forced failure wins over the
   * random rates; otherwise a single random draw is split between throttling and server errors so
   * the two rates are exactly the shares of requests they name.
   */
  public Optional<InjectedFault> draw() {
    FaultSettings before = getAndUpdate(FaultSettings::consumeForcedFailure);
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
