package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.vonage.InvalidParameter;
import dev.sendout.sandbox.vonage.VonageResponses;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Reads and changes the status webhook settings while the sandbox runs. */
@RestController
@RequestMapping("/sandbox/vonage/statuses")
public class StatusesController {

  private final StatusSettingsHolder settings;
  private final Statuses statuses;

  StatusesController(StatusSettingsHolder settings, Statuses statuses) {
    this.settings = settings;
    this.statuses = statuses;
  }

  @GetMapping
  public StatusSettings current() {
    return settings.current();
  }

  /**
   * Applies the fields present in the body and answers with the settings now in force, or with 400
   * and every problem when the result would be invalid, in which case nothing changes.
   */
  @PutMapping
  public ResponseEntity<?> update(@RequestBody StatusesUpdate update) {
    List<InvalidParameter> problems = statuses.update(update);
    if (!problems.isEmpty()) {
      return VonageResponses.badRequest(problems);
    }
    return ResponseEntity.ok(settings.current());
  }
}
