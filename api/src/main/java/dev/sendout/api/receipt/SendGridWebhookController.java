package dev.sendout.api.receipt;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.channel.email.SendGridEvents;
import dev.sendout.core.receipt.Receipt;
import dev.sendout.core.receipt.ReceiptStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
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
  private final ReceiptStore receipts;
  private final ReceiptNotifier notifier;
  private final ReceiptMeters meters;

  public SendGridWebhookController(
      SendGridSignature signature,
      ReceiptStore receipts,
      ReceiptNotifier notifier,
      MeterRegistry meters) {
    this.signature = signature;
    this.receipts = receipts;
    this.notifier = notifier;
    this.meters = new ReceiptMeters(meters, "sendgrid");
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
    byte[] raw = body == null ? new byte[0] : body;
    try {
      signature.verify(timestamp, signed, raw);
    } catch (ApiProblem refused) {
      meters.rejected(refused);
      throw refused;
    }
    List<Receipt> events;
    try {
      events = SendGridEvents.parse(raw);
    } catch (SendGridEvents.MalformedEventsException e) {
      throw new ApiProblem(ProblemType.MALFORMED_JSON, e.getMessage());
    }
    var ingested = receipts.ingest(events);
    notifier.wake(ingested.batches());
    meters.record(ingested);
    return WebhookResult.of(ingested);
  }
}
