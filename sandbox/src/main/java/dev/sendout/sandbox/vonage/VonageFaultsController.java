package dev.sendout.sandbox.vonage;

import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Reads and changes the fault modes of the fake Vonage while the sandbox runs. */
@RestController
@RequestMapping("/sandbox/vonage/faults")
public class VonageFaultsController {

  private final VonageFaultInjector faults;

  public VonageFaultsController(VonageFaultInjector faults) {
    this.faults = faults;
  }

  @GetMapping
  public FaultSettings current() {
    return faults.current();
  }

  /** Applies the fields present in the body and answers with the settings now in force. */
  @PutMapping
  public ResponseEntity<?> update(@RequestBody FaultsUpdate update) {
    List<InvalidParameter> problems = update.validate();
    if (!problems.isEmpty()) {
      return VonageResponses.badRequest(problems);
    }
    return ResponseEntity.ok(faults.update(update));
  }
}
