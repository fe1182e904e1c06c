package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.sendgrid.SendGridError;
import dev.sendout.sandbox.sendgrid.SendGridResponses;
import dev.sendout.sandbox.settings.SettingsController;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Reads and changes the Event Webhook settings while the sandbox runs, and serves the key. */
@RestController
@RequestMapping("/sandbox/sendgrid/receipts")
public class ReceiptsController
    extends SettingsController<ReceiptSettings, ReceiptsUpdate, SendGridError> {

  private final ReceiptSigner signer;

  ReceiptsController(ReceiptSettingsHolder settings, ReceiptSigner signer) {
    super(settings::current, settings::apply, SendGridResponses::badRequest);
    this.signer = signer;
  }

  @GetMapping("/public-key")
  public VerificationKey publicKey() {
    return new VerificationKey(signer.publicKey());
  }
}
