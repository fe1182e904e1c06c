package dev.sendout.sandbox.vonage;

import dev.sendout.sandbox.faults.FaultInjector;
import org.springframework.stereotype.Component;

/** Decides, request by request, whether a send fails. */
@Component
public class VonageFaultInjector extends FaultInjector<FaultSettings> {

  public VonageFaultInjector(VonageSandboxProperties properties) {
    super(properties.faults());
  }

  boolean drawServerError() {
    return chance(current().serverErrorRate());
  }
}
