package dev.sendout.api.inbound;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.receipt.ReceiptIntake;
import dev.sendout.api.receipt.ReceiptMeters;
import dev.sendout.api.receipt.VonageSignature;
import dev.sendout.core.channel.sms.VonageInbound;
import dev.sendout.core.suppression.SmsReplies;
import dev.sendout.core.suppression.SuppressionKey;
import dev.sendout.workflows.sendout.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Vonage's Messages API inbound webhook: recipients' replies to our SMS. Verified like the status
 * webhook (the account's HS256 bearer token and its payload_hash over the raw body, refused unread
 * when unsigned, within the webhook body limit). STOP and its synonyms suppress the number for
 * every tenant that sent SMS to it from that sender, START lifts such a STOP unless a later one
 * came ({@link SmsReplies}), each reply once; any other text is acknowledged and ignored, since
 * Vonage would otherwise retry it.
 */
@RestController
public class VonageInboundController {

  private static final Logger log = LoggerFactory.getLogger(VonageInboundController.class);

  private final VonageSignature signature;
  private final SmsReplies replies;
  private final ReceiptMeters rejections;
  private final Clock clock;

  public VonageInboundController(
      VonageSignature signature, SmsReplies replies, MeterRegistry meters, Clock clock) {
    this.signature = signature;
    this.replies = replies;
    this.rejections = new ReceiptMeters(meters, "vonage");
    this.clock = clock;
  }

  /**
   * What the call did.
   *
   * @param keyword STOP, START or OTHER (ignored)
   * @param tenants how many tenants' lists it concerned
   * @param changed how many of those lists it changed (0 when it was applied before)
   */
  public record InboundResult(String keyword, int tenants, int changed) {}

  @Operation(
      summary = "Vonage Messages API inbound SMS webhook (signed)",
      description =
          "Verifies the HS256 bearer token and its payload_hash. STOP, STOPALL, UNSUBSCRIBE,"
              + " CANCEL, END or QUIT (trimmed, any case) puts the sender's number on the"
              + " suppression list (SMS_STOP) of every tenant that sent SMS to it from the number"
              + " it replied to; START or UNSTOP takes such an SMS_STOP entry off again, recorded"
              + " in the audit trail, unless a later STOP of the number to that sender was"
              + " applied. A reply posted again (the same message_uuid) changes nothing. Other"
              + " texts are acknowledged and ignored.")
  @ApiResponse(responseCode = "200", description = "Applied, or ignored")
  @ApiResponse(responseCode = "400", description = "Not a Vonage inbound SMS")
  @ApiResponse(responseCode = "401", description = "No token, or a forged, stale or mismatched one")
  @ApiResponse(responseCode = "413", description = "Over sendout.api.max-webhook-body-size")
  @ApiResponse(responseCode = "503", description = "Database unavailable; retry")
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      description = "One Vonage inbound message, verified over the raw bytes",
      content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
  @PostMapping("/webhooks/vonage/inbound")
  public InboundResult receive(
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      InputStream body)
      throws IOException {
    // Its refusals are counted with the status webhook's: both are signed with the one secret,
    // and a wrong one would otherwise drop STOP replies with no alert.
    byte[] raw =
        ReceiptIntake.verifiedBody(
            () -> signature.requireSigned(authorization),
            body,
            signed -> signature.verify(authorization, signed),
            rejections);
    VonageInbound sms;
    SuppressionKey number;
    try {
      sms = VonageInbound.parse(raw);
    } catch (VonageInbound.MalformedInboundException e) {
      throw new ApiProblem(ProblemType.MALFORMED_JSON, e.getMessage());
    }
    try {
      String from = sms.from().startsWith("+") ? sms.from() : "+" + sms.from();
      number = SuppressionKey.of(Channel.SMS, from);
    } catch (SuppressionKey.InvalidAddress e) {
      throw ApiProblem.invalid("/from", "from " + e.getMessage());
    }
    var outcome =
        replies.apply(
            number,
            sms.to(),
            sms.text(),
            "vonage:inbound:" + sms.messageUuid(),
            sms.timestamp() != null ? sms.timestamp() : clock.instant());
    if (outcome.keyword() != SmsReplies.Keyword.OTHER) {
      // The message uuid, never the number.
      log.info(
          "Inbound SMS {} {}: {} tenant(s), {} list(s) changed",
          sms.messageUuid(),
          outcome.keyword(),
          outcome.tenants().size(),
          outcome.changed());
    }
    return new InboundResult(outcome.keyword().name(), outcome.tenants().size(), outcome.changed());
  }
}
