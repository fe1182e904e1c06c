package dev.sendout.api.sendout;

import dev.sendout.api.Cursors;
import dev.sendout.api.PageSize;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.api.tenant.TenantSendouts;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.receipt.MessageSettlement;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.core.watchdog.StuckSendouts;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Creating sendouts and following them. */
@RestController
@RequestMapping("/v1/sendouts")
public class SendoutController {

  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;

  private static final String SEQ_CURSOR = "seq:";
  static final int STUCK_SAMPLE_SIZE = 10;

  private final SendoutService service;
  private final SendoutStore sendouts;
  private final TenantSendouts tenantSendouts;
  private final MessageReads messages;
  private final MessageSettlement settlement;
  private final StuckSendouts stuckSendouts;
  private final TransactionTemplate snapshot;

  public SendoutController(
      SendoutService service,
      SendoutStore sendouts,
      TenantSendouts tenantSendouts,
      MessageReads messages,
      MessageSettlement settlement,
      StuckSendouts stuckSendouts,
      PlatformTransactionManager transactions) {
    this.service = service;
    this.sendouts = sendouts;
    this.tenantSendouts = tenantSendouts;
    this.messages = messages;
    this.settlement = settlement;
    this.stuckSendouts = stuckSendouts;
    // A view is several counts, each its own query. Read from one snapshot, they add up: read
    // apart, a thank-you counted ACCEPTED among all messages and DELIVERED among the thank-yous
    // took one DELIVERED invitation away (found by ReminderEndToEndTest in CI).
    this.snapshot = new TransactionTemplate(transactions);
    snapshot.setReadOnly(true);
    snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
  }

  @Operation(
      summary = "Create a sendout",
      description =
          "Stores the sendout and its messages, then starts its workflow. Repeating the request"
              + " with the same Idempotency-Key returns the same sendout and creates nothing.")
  @ApiResponse(responseCode = "202", description = "Accepted; the Location header names it")
  @ApiResponse(responseCode = "400", description = "Invalid request; errors name each field")
  @ApiResponse(responseCode = "413", description = "Body over the configured size")
  @ApiResponse(responseCode = "422", description = "Idempotency-Key reused for another request")
  @PostMapping
  public ResponseEntity<SendoutView> create(
      Tenant tenant,
      @RequestBody CreateSendoutRequest request,
      @Parameter(description = "Makes retries safe: the same key returns the same sendout")
          @RequestHeader(name = "Idempotency-Key", required = false)
          String idempotencyKey) {
    var created = service.create(tenant, request, idempotencyKey);
    StoredSendout s = created.sendout();
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/v1/sendouts/" + s.id()))
        .header("Idempotent-Replayed", String.valueOf(created.existed()))
        .body(snapshot.execute(t -> view(s)));
  }

  @Operation(
      summary =
          "A sendout: status, message counts per status, whether it is stuck, paused or cancelled,"
              + " the watchdog's open findings, timestamps")
  @ApiResponse(responseCode = "200", description = "The sendout")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @GetMapping("/{id}")
  public SendoutView get(Tenant tenant, @PathVariable UUID id) {
    return snapshot.execute(t -> view(tenantSendouts.get(tenant, id)));
  }

  @Operation(summary = "A sendout's messages, in order, one page at a time")
  @ApiResponse(responseCode = "200", description = "A page of messages")
  @ApiResponse(responseCode = "400", description = "Invalid status, limit or cursor")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @GetMapping("/{id}/messages")
  public MessagePage messages(
      Tenant tenant,
      @PathVariable UUID id,
      @Parameter(
              description = "Only messages in this status",
              schema = @Schema(implementation = MessageStatus.class))
          @RequestParam(required = false)
          String status,
      @Parameter(
              description =
                  "Page size, 1 to " + MAX_PAGE_SIZE + "; " + DEFAULT_PAGE_SIZE + " if omitted",
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "1",
                      maximum = "" + MAX_PAGE_SIZE))
          @RequestParam(required = false)
          Integer limit,
      @Parameter(description = "nextCursor of the previous page; omitted or empty: the first page")
          @RequestParam(required = false)
          String cursor) {
    tenantSendouts.get(tenant, id);
    int size = PageSize.of(limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    List<StoredMessage> page = messages.page(id, status(status), afterSeq(cursor), size);
    String next = page.size() < size ? null : cursor(page.get(page.size() - 1).seq());
    return new MessagePage(page, next);
  }

  private SendoutView view(StoredSendout s) {
    var tally = sendouts.countByStatusWithResponses(s.id());
    var counts = new EnumMap<>(tally.messages());
    // The invitations' counts are the messages' less the reminders' and the thank-yous'.
    SendoutView.Reminders reminders = null;
    if (s.reminderCount() > 0) {
      var reminderCounts =
          takenApart(counts, s.reminderMessages(), () -> sendouts.countRemindersByStatus(s.id()));
      reminders =
          new SendoutView.Reminders(
              s.reminderCount(), s.reminderMessages(), s.nextReminderAt(), reminderCounts);
    }
    SendoutView.ThankYous thankYous = null;
    if (s.thankYou()) {
      var thankYouCounts =
          takenApart(counts, s.thankYouMessages(), () -> sendouts.countThankYousByStatus(s.id()));
      thankYous = new SendoutView.ThankYous(s.thankYouMessages(), thankYouCounts);
    }
    var attention = stuckSendouts.attention(s.id());
    var stuck =
        SendoutView.stuck(
            tally.messages().get(MessageStatus.UNCONFIRMED) == 0
                ? null
                : settlement.unconfirmed(s.id(), STUCK_SAMPLE_SIZE),
            tally.messages().get(MessageStatus.UNCONFIRMED)
                    + tally.messages().get(MessageStatus.ACCEPTED)
                > 0,
            attention.findings());
    var sms =
        s.channel() == Channel.SMS
            ? SendoutView.Sms.of(sendouts.content(s.id(), SmsContent.class))
            : null;
    // Reminders and thank-yous wait for the window too: judged on all messages, not `counts`.
    var all = tally.messages();
    int waiting =
        s.window() == null || all.get(MessageStatus.QUEUED) + all.get(MessageStatus.RELEASED) == 0
            ? 0
            : sendouts.countWaitingForWindow(s.id());
    return SendoutView.of(
        s,
        sms,
        counts,
        SendoutView.Responses.of(s, counts, tally),
        stuck,
        attention,
        waiting,
        reminders,
        thankYous);
  }

  /**
   * The counts by status of some of the messages (reminders, thank-yous), each taken out of {@code
   * counts}; counted only when there are any.
   */
  private static Map<MessageStatus, Integer> takenApart(
      Map<MessageStatus, Integer> counts,
      int created,
      Supplier<Map<MessageStatus, Integer>> countByStatus) {
    if (created == 0) {
      return SendoutStore.noMessages();
    }
    Map<MessageStatus, Integer> part = countByStatus.get();
    part.forEach((status, n) -> counts.merge(status, -n, Integer::sum));
    return part;
  }

  private static MessageStatus status(String value) {
    if (value == null) {
      return null;
    }
    try {
      return MessageStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid(
          "status",
          (value.contains(",") ? "one status at a time" : "unknown status")
              + "; one of "
              + Arrays.toString(MessageStatus.values()));
    }
  }

  /** Cursors are opaque to callers: the last sequence number seen, encoded. */
  private static String cursor(int seq) {
    return Cursors.of(SEQ_CURSOR, seq);
  }

  private static int afterSeq(String cursor) {
    return Cursors.place(cursor, SEQ_CURSOR, -1, Integer::parseInt);
  }
}
