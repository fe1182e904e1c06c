package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.sendgrid.SendGridError;
import dev.sendout.sandbox.sendgrid.SendGridErrors;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Reads and changes the Event Webhook settings while the sandbox runs, and serves the key. */
@RestController
@RequestMapping("/sandbox/sendgrid/receipts")
public class ReceiptsController {

  private final ReceiptSettingsHolder settings;
  private final ReceiptSigner signer;

  ReceiptsController(ReceiptSettingsHolder settings, ReceiptSigner signer) {
    this.settings = settings;
    this.signer = signer;
  }

  @GetMapping
  public ReceiptSettings current() {
    return settings.current();
  }

  /**
   * Applies the fields present in the body and answers with the settings now in force, or with 400
   * and every problem when the result would be invalid, in which case nothing changes.
   */
  @PutMapping
  public ResponseEntity<?> update(@RequestBody ReceiptsUpdate update) {
    List<SendGridError> errors = settings.apply(update);
    if (!errors.isEmpty()) {
      return ResponseEntity.badRequest()
          .contentType(MediaType.APPLICATION_JSON)
          .body(new SendGridErrors(errors));
    }
    return ResponseEntity.ok(settings.current());
  }

  @GetMapping("/public-key")
  public VerificationKey publicKey() {
    return new VerificationKey(signer.publicKey());
  }
}
