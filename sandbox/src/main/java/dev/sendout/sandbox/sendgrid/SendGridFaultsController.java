package dev.sendout.sandbox.sendgrid;

import dev.sendout.sandbox.settings.SettingsController;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Reads and changes the fault modes of the fake SendGrid while the sandbox runs. */
@RestController
@RequestMapping("/sandbox/sendgrid/faults")
public class SendGridFaultsController
    extends SettingsController<FaultSettings, FaultsUpdate, SendGridError> {

  public SendGridFaultsController(SendGridFaultInjector faults) {
    super(faults::current, faults::change, SendGridResponses::badRequest);
  }
}
