package dev.sendout.api.sendout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.channel.sms.SmsSegments;
import dev.sendout.core.receipt.MessageSettlement.Unconfirmed;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.core.watchdog.FindingStore;
import dev.sendout.core.watchdog.StuckSendouts.Attention;
import dev.sendout.core.watchdog.StuckSendouts.OpenFinding;
import dev.sendout.core.window.DeliveryWindow;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.StuckReason;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A sendout as the API shows it.
 *
 * @param sms for an SMS sendout, its sender and what it costs; absent for email
 * @param messages how many of its messages are in each status
 * @param responses how many recipients have responded, beside the delivery counts in {@code
 *     messages}
 * @param stuck whether the sendout needs attention and why, every current reason; null when it does
 *     not
 * @param receiptTimeout how long an accepted message may wait for a receipt (ISO 8601)
 * @param sentAt when every message had been handed to the provider
 * @param completedAt when every message was settled
 * @param workflowId where to find the sendout in the Temporal UI
 * @param paused whether support staff have paused its sends
 * @param cancelledAt when it was cancelled; absent unless it was
 * @param findings the watchdog's open findings about it, oldest first, acknowledged ones included:
 *     the history behind {@code stuck}; empty when there are none
 * @param window its delivery window; absent when it has none
 * @param timeZone its IANA time zone; absent when it has none
 * @param waitingForWindow how many of its messages (reminders and thank-yous included) wait for
 *     their delivery window to open: QUEUED, or RELEASED and held back at their provider call
 * @param closesAt when the survey closes; absent when it does not
 * @param reminders its reminders and their messages, counted apart from {@code messages} (which
 *     counts the invitations); absent when it has none
 * @param thankYous its thank-you messages, counted apart from {@code messages}; absent when it does
 *     not thank
 */
public record SendoutView(
    UUID id,
    Channel channel,
    @JsonInclude(Include.NON_NULL) Sms sms,
    SendoutStatus status,
    int recipientCount,
    Map<MessageStatus, Integer> messages,
    Responses responses,
    Stuck stuck,
    Instant sendAt,
    @Schema(example = "PT24H") String receiptTimeout,
    Instant createdAt,
    Instant workflowStartedAt,
    Instant releasedAt,
    Instant sentAt,
    Instant completedAt,
    String workflowId,
    boolean paused,
    @JsonInclude(Include.NON_NULL) Instant cancelledAt,
    List<OpenFinding> findings,
    @JsonInclude(Include.NON_NULL) CreateSendoutRequest.Window window,
    @JsonInclude(Include.NON_NULL) @Schema(example = "Europe/Berlin") String timeZone,
    @Schema(
            description = "QUEUED messages waiting for their delivery window to open",
            example = "0")
        int waitingForWindow,
    @JsonInclude(Include.NON_NULL) Instant closesAt,
    @JsonInclude(Include.NON_NULL) Reminders reminders,
    @JsonInclude(Include.NON_NULL) ThankYous thankYous) {

  /**
   * A sendout's thank-yous.
   *
   * @param sent thank-you messages created so far (one per recipient who responded in time), in
   *     every status
   * @param messages how many thank-you messages are in each status
   */
  public record ThankYous(
      @Schema(
              example = "412",
              description =
                  "Thank-you messages created so far, one per recipient who responded in time, in"
                      + " every status (some may be CANCELLED or SUPPRESSED): what went out is in"
                      + " messages")
          int sent,
      @Schema(description = "How many thank-you messages are in each status")
          Map<MessageStatus, Integer> messages) {}

  /**
   * A sendout's reminders.
   *
   * @param declared how many reminders it declares
   * @param sent reminder messages created so far, in every status
   * @param nextReminderAt when the next wave is due, as the workflow last worked it out; absent
   *     when none is pending (all sent, cancelled, or the survey closed); a wave due after {@code
   *     closesAt} is shown but not sent
   * @param messages how many reminder messages are in each status
   */
  public record Reminders(
      @Schema(example = "2", description = "How many reminders the sendout declares") int declared,
      @Schema(
              example = "600",
              description =
                  "Reminder messages created so far, in every status (some may be CANCELLED or"
                      + " SUPPRESSED): what went out is in messages")
          int sent,
      @Schema(
              description =
                  "When the next wave is due, as the workflow last worked it out; absent when none"
                      + " is pending. A wave due after closesAt is not sent.")
          @JsonInclude(Include.NON_NULL)
          Instant nextReminderAt,
      @Schema(description = "How many reminder messages are in each status")
          Map<MessageStatus, Integer> messages) {}

  /**
   * The survey responses recorded for a sendout's recipients.
   *
   * @param responded recipients with a response, whatever their message's status
   * @param rate {@code responded} of all recipients ({@code recipientCount}), 0 to 1, four
   *     decimals; 0 without recipients. Counted over every recipient because a response proves the
   *     invitation arrived even where no receipt said so
   * @param delivered invitations confirmed DELIVERED now (as in {@code messages})
   * @param deliveredResponded of those, the ones with a response
   * @param deliveredRate {@code deliveredResponded} of {@code delivered}, 0 to 1; 0 when none is
   *     delivered
   */
  public record Responses(
      @Schema(example = "412") int responded,
      @Schema(example = "0.412") double rate,
      @Schema(example = "980") int delivered,
      @Schema(example = "405") int deliveredResponded,
      @Schema(example = "0.4133") double deliveredRate) {

    /**
     * @param invitations how many invitations are in each status: the messages less the reminders
     *     and thank-yous, which are no recipients of their own
     */
    static Responses of(
        StoredSendout s,
        Map<MessageStatus, Integer> invitations,
        SendoutStore.StatusCounts counts) {
      int responded = counts.respondedTotal();
      int delivered = invitations.get(MessageStatus.DELIVERED);
      int deliveredResponded = counts.responded().get(MessageStatus.DELIVERED);
      return new Responses(
          responded,
          rate(responded, s.recipientsOnly()),
          delivered,
          deliveredResponded,
          rate(deliveredResponded, delivered));
    }

    private static double rate(int part, int whole) {
      return whole == 0 ? 0 : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }
  }

  /**
   * Why a sendout needs a person's attention: the one answer to "does this need attention?".
   *
   * @param reason the first of {@code reasons}, in {@link StuckReason} order: the sendout's {@code
   *     StuckReason} in the Temporal UI
   * @param messages how many messages the first reason holds
   * @param since when the first reason began
   * @param sample the first few unconfirmed messages, in sequence order, when the first reason is
   *     NO_RECEIPT (empty otherwise); list them all with {@code GET
   *     /v1/sendouts/{id}/messages?status=UNCONFIRMED}
   * @param reasons every current reason, each with its messages, since when, and what was found
   */
  public record Stuck(
      StuckReason reason, int messages, Instant since, List<UUID> sample, List<Reason> reasons) {}

  /**
   * One current reason a sendout is stuck.
   *
   * @param detail what was found, for example the provider's last error
   */
  public record Reason(StuckReason reason, int messages, Instant since, String detail) {}

  /**
   * What an SMS sendout sends and costs, worked out when it was created.
   *
   * @param senderId the alphanumeric sender id or number the messages come from
   * @param encoding UCS-2 if any recipient's text needs it, GSM-7 otherwise
   * @param segments the most segments any one recipient's message takes
   * @param totalSegments the segments of all its messages together: what the sendout costs
   */
  public record Sms(
      @Schema(example = "SurveyCo") String senderId,
      @Schema(
              type = "string",
              allowableValues = {"GSM-7", "UCS-2"},
              example = "GSM-7")
          SmsSegments.Encoding encoding,
      @Schema(example = "1") int segments,
      @Schema(example = "300") long totalSegments) {

    static Sms of(SmsContent content) {
      return new Sms(
          content.senderId(), content.encoding(), content.segments(), content.totalSegments());
    }
  }

  /** A sendout without reminders. */
  static SendoutView of(
      StoredSendout s,
      Sms sms,
      Map<MessageStatus, Integer> messages,
      Responses responses,
      Stuck stuck,
      Attention attention,
      int waitingForWindow) {
    return of(s, sms, messages, responses, stuck, attention, waitingForWindow, null, null);
  }

  static SendoutView of(
      StoredSendout s,
      Sms sms,
      Map<MessageStatus, Integer> messages,
      Responses responses,
      Stuck stuck,
      Attention attention,
      int waitingForWindow,
      Reminders reminders,
      ThankYous thankYous) {
    return new SendoutView(
        s.id(),
        s.channel(),
        sms,
        s.status(),
        s.recipientsOnly(),
        messages,
        responses,
        stuck,
        s.sendAt(),
        s.receiptTimeout().toString(),
        s.createdAt(),
        s.workflowStartedAt(),
        s.releasedAt(),
        s.sentAt(),
        s.completedAt(),
        SendoutWorkflow.workflowId(s.id().toString()),
        attention.pausedAt() != null,
        attention.cancelledAt(),
        attention.findings(),
        window(s.window()),
        s.timeZone(),
        waitingForWindow,
        s.closesAt(),
        reminders,
        thankYous);
  }

  private static CreateSendoutRequest.Window window(DeliveryWindow window) {
    if (window == null) {
      return null;
    }
    DeliveryWindow.Written written = window.written();
    return new CreateSendoutRequest.Window(written.start(), written.end(), written.days());
  }

  /**
   * Every current reason that nobody has acknowledged: messages UNCONFIRMED (the provider may hold
   * them, but no receipt says so) and still waited for, until a person acknowledges the watchdog's
   * NO_RECEIPT finding for them, and the watchdog's other open findings until acknowledged, as the
   * Web UI's {@code Stuck} is. Null when there is none; {@code findings} keeps the acknowledged
   * ones. A NO_RECEIPT finding of a sendout with no message ACCEPTED or UNCONFIRMED is out of date
   * (the receipts came before the watchdog's next pass closes it): a hostile sweep saw a sendout
   * COMPLETED, every message DELIVERED, still named stuck for up to a minute.
   *
   * @param waited the unconfirmed messages still waited for; null when there are none
   * @param awaitingReceipts whether any message is ACCEPTED or UNCONFIRMED
   */
  static Stuck stuck(Unconfirmed waited, boolean awaitingReceipts, List<OpenFinding> findings) {
    int unconfirmed = waited == null ? 0 : waited.count();
    Map<StuckReason, Reason> reasons = new EnumMap<>(StuckReason.class);
    List<OpenFinding> noReceipt =
        findings.stream().filter(f -> f.reason() == StuckReason.NO_RECEIPT).toList();
    boolean noReceiptAcknowledged =
        !noReceipt.isEmpty() && noReceipt.stream().allMatch(f -> f.acknowledgedAt() != null);
    if (unconfirmed > 0 && !noReceiptAcknowledged) {
      reasons.put(
          StuckReason.NO_RECEIPT,
          new Reason(
              StuckReason.NO_RECEIPT,
              unconfirmed,
              waited.since(),
              FindingStore.neverConfirmed(unconfirmed)));
    }
    for (OpenFinding f : findings) {
      if (f.acknowledgedAt() == null
          && (awaitingReceipts || f.reason() != StuckReason.NO_RECEIPT)) {
        reasons.putIfAbsent(
            f.reason(), new Reason(f.reason(), f.messageCount(), f.since(), f.detail()));
      }
    }
    if (reasons.isEmpty()) {
      return null;
    }
    Reason first = reasons.values().iterator().next();
    return new Stuck(
        first.reason(),
        first.messages(),
        first.since(),
        first.reason() == StuckReason.NO_RECEIPT && waited != null ? waited.sample() : List.of(),
        List.copyOf(reasons.values()));
  }
}
