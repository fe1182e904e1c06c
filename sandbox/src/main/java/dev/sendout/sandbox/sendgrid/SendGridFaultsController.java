package dev.sendout.sandbox.sendgrid;

import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Reads and changes the fault modes while the sandbox runs. */
@RestController
@RequestMapping("/sandbox/sendgrid/faults")
public class FaultsController {

  private final FaultInjector faults;

  public FaultsController(FaultInjector faults) {
    this.faults = faults;
  }

  @GetMapping
  public FaultSettings current() {
    return faults.current();
  }

  /** Applies the fields present in the body and answers with the settings now in force. */
  @PutMapping
  public ResponseEntity<?> update(@RequestBody FaultsUpdate update) {
    List<SendGridError> errors = update.validate();
    if (!errors.isEmpty()) {
      return SendGridResponses.badRequest(errors);
    }
    return ResponseEntity.ok(faults.update(update));
  }
}
