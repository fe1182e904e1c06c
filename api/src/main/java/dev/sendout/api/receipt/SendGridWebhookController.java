package dev.sendout.api.receipt;

import dev.sendout.core.channel.email.SendGridEvents;
import dev.sendout.core.receipt.ReceiptStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * SendGrid's Event Webhook. The order of the steps is the point: verify the signature over the raw
 * bytes, parse, store and apply in one transaction, and only then answer 2xx. Anything that fails
 * before the commit answers non-2xx, so SendGrid retries and no receipt is lost.
 */
@RestController
public class SendGridWebhookController {

  private final SendGridSignature signature;
  private final ReceiptIntake intake;

  public SendGridWebhookController(
      SendGridSignature signature,
      ReceiptStore receipts,
      ReceiptNotifier notifier,
      MeterRegistry meters) {
    this.signature = signature;
    this.intake = new ReceiptIntake(receipts, notifier, meters, "sendgrid");
  }

  @Operation(
      summary = "SendGrid Event Webhook (signed)",
      description =
          "Verifies the ECDSA signature, stores the events, applies delivered, bounce, dropped"
              + " and deferred to their messages, and answers once they are stored.")
  @ApiResponse(responseCode = "200", description = "Stored")
  @ApiResponse(responseCode = "400", description = "Not a JSON array of events")
  @ApiResponse(responseCode = "401", description = "No signature")
  @ApiResponse(responseCode = "403", description = "Bad or stale signature")
  @ApiResponse(responseCode = "503", description = "Database unavailable; retry")
  @PostMapping("/webhooks/sendgrid/events")
  public WebhookResult receive(
      @RequestHeader(name = SendGridSignature.TIMESTAMP_HEADER, required = false) String timestamp,
      @RequestHeader(name = SendGridSignature.SIGNATURE_HEADER, required = false) String signed,
      @RequestBody(required = false) byte[] body) {
    return intake.receive(
        body,
        raw -> signature.verify(timestamp, signed, raw),
        SendGridEvents::parse,
        SendGridEvents.MalformedEventsException.class);
  }
}
