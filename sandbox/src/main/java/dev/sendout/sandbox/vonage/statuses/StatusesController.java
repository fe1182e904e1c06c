package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.settings.SettingsController;
import dev.sendout.sandbox.vonage.InvalidParameter;
import dev.sendout.sandbox.vonage.VonageResponses;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Reads and changes the status webhook settings while the sandbox runs. */
@RestController
@RequestMapping("/sandbox/vonage/statuses")
public class StatusesController
    extends SettingsController<StatusSettings, StatusesUpdate, InvalidParameter> {

  StatusesController(StatusSettingsHolder settings, Statuses statuses) {
    super(settings::current, statuses::update, VonageResponses::badRequest);
  }
}
