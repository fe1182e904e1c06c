package dev.sendout.api.receipt;

import dev.sendout.core.channel.sms.VonageStatuses;
import dev.sendout.core.receipt.ReceiptStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Vonage's Messages API status webhook, one status per call. The same steps as SendGrid's: verify
 * the bearer token and the body's hash over the raw bytes, parse, store and apply in one
 * transaction, and only then answer 2xx, so that Vonage retries anything not stored.
 */
@RestController
public class VonageWebhookController {

  private final VonageSignature signature;
  private final ReceiptIntake intake;

  public VonageWebhookController(
      VonageSignature signature,
      ReceiptStore receipts,
      ReceiptNotifier notifier,
      MeterRegistry meters) {
    this.signature = signature;
    this.intake = new ReceiptIntake(receipts, notifier, meters, "vonage");
  }

  @Operation(
      summary = "Vonage Messages API status webhook (signed)",
      description =
          "Verifies the HS256 bearer token and its payload_hash, stores the status, applies"
              + " delivered, rejected and undeliverable to the message, and answers once stored.")
  @ApiResponse(responseCode = "200", description = "Stored")
  @ApiResponse(responseCode = "400", description = "Not a Vonage message status")
  @ApiResponse(responseCode = "401", description = "No token, or a forged, stale or mismatched one")
  @ApiResponse(responseCode = "413", description = "Over sendout.api.max-webhook-body-size")
  @ApiResponse(responseCode = "503", description = "Database unavailable; retry")
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      description = "One Vonage message status, verified over the raw bytes",
      content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
  @PostMapping("/webhooks/vonage/status")
  public WebhookResult receive(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      InputStream body)
      throws IOException {
    // The body is read only once the call is signed at all, and then within the webhook limit.
    return intake.receive(
        () -> signature.requireSigned(authorization),
        body,
        raw -> signature.verify(authorization, raw),
        raw -> List.of(VonageStatuses.parse(raw)),
        VonageStatuses.MalformedStatusException.class);
  }
}
