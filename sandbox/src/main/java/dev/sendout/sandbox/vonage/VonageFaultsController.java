package dev.sendout.sandbox.vonage;

import dev.sendout.sandbox.settings.SettingsController;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Reads and changes the fault modes of the fake Vonage while the sandbox runs. */
@RestController
@RequestMapping("/sandbox/vonage/faults")
public class VonageFaultsController
    extends SettingsController<FaultSettings, FaultsUpdate, InvalidParameter> {

  public VonageFaultsController(VonageFaultInjector faults) {
    super(faults::current, faults::change, VonageResponses::badRequest);
  }
}
