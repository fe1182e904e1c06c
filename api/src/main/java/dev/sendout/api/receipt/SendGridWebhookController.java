package dev.sendout.api.receipt;

import dev.sendout.core.channel.email.SendGridEvents;
import dev.sendout.core.receipt.ReceiptStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.web.bind.annotation.PostMapping;
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
  @ApiResponse(responseCode = "413", description = "Over sendout.api.max-webhook-body-size")
  @ApiResponse(responseCode = "503", description = "Database unavailable; retry")
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      description = "SendGrid's events, verified over the raw bytes",
      content =
          @Content(
              mediaType = "application/json",
              array = @ArraySchema(schema = @Schema(type = "object"))))
  @PostMapping("/webhooks/sendgrid/events")
  public WebhookResult receive(
      @RequestHeader(name = SendGridSignature.TIMESTAMP_HEADER, required = false) String timestamp,
      @RequestHeader(name = SendGridSignature.SIGNATURE_HEADER, required = false) String signed,
      InputStream body)
      throws IOException {
    // The body is read only once the call is signed at all, and then within the webhook limit.
    return intake.receive(
        () -> signature.requireSigned(timestamp, signed),
        body,
        raw -> signature.verify(timestamp, signed, raw),
        SendGridEvents::parse,
        SendGridEvents.MalformedEventsException.class);
  }
}
