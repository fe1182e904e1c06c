package dev.sendout.workflows.sendout;

import dev.sendout.workflows.Counted;
import dev.sendout.workflows.receipt.DeliveryTally;
import java.time.Instant;

/**
 * A sendout's progress as support staff see it, from one set of inputs so that both views agree:
 * the details line of the Temporal UI ({@code Workflow.setCurrentDetails}: first why the sendout is
 * stuck, if it is, then whether it is paused, then where it stands in its status) and the answer to
 * the {@code progress} query. Pure, so that the exact wording can be tested without a server.
 */
final class ProgressReport {

  private final StartSendout start;
  private final BatchPlan plan;
  private final BatchLedger ledger;
  private final StuckFlag stuck;

  /** Where all the sendout's messages stood when it completed; null before, or not known. */
  private SendoutActivities.Completion completion;

  ProgressReport(StartSendout start, BatchPlan plan, BatchLedger ledger, StuckFlag stuck) {
    this.start = start;
    this.plan = plan;
    this.ledger = ledger;
    this.stuck = stuck;
  }

  /**
   * The sendout completed (or its cancel did): from then on its counts are the store's, of all its
   * runs, where a run reopened for a resend or restarted by the watchdog counted only its own (a
   * support drill saw "Completed: 55 messages; 5 delivered" for 55 DELIVERED). Null from a history
   * recorded before the store answered: the run's own counts, as then.
   */
  void completed(SendoutActivities.Completion completion) {
    if (completion != null && completion.messages() != null) {
      this.completion = completion;
    }
  }

  String details(SendoutStatus status, boolean paused) {
    return stuckLine() + (paused ? "PAUSED. " : "") + statusLine(status);
  }

  SendoutProgress query(SendoutStatus status, boolean paused) {
    return query(status, paused, null);
  }

  SendoutProgress query(SendoutStatus status, boolean paused, Instant nextReminderAt) {
    StuckReason reason = stuck.reason();
    return new SendoutProgress(
        start.sendoutId(),
        status,
        start.sendAt(),
        messages(),
        plan.batchCount(),
        ledger.sent(),
        ledger.inFlight(),
        ledger.tally(),
        receipts(),
        reason,
        reason == StuckReason.NO_RECEIPT && ledger.anyStuck()
            ? ledger.stuckSince()
            : stuck.finding(reason).map(WatchdogFindings.Finding::since).orElse(null),
        ledger.stuckMessages(),
        ledger.stuckSample(SendoutProgress.MAX_SAMPLE),
        paused,
        stuck.acknowledged(),
        stuck.state().watchdog(),
        nextReminderAt);
  }

  /**
   * The sendout's messages: before its first release, those it was created with and those added
   * since; from it on, the plan's, which the release counted (a sendout scheduled until its window
   * opens is released already).
   */
  private int messages() {
    if (completion != null) {
      return completion.messageCount();
    }
    return plan.messageCount() == 0
        ? start.recipientCount() + plan.addedMessages()
        : plan.allMessages();
  }

  private String statusLine(SendoutStatus status) {
    SendTally tally = ledger.tally();
    DeliveryTally receipts = receipts();
    return switch (status) {
      case SCHEDULED ->
          "Scheduled: %s, sending at %s"
              .formatted(Counted.of(messages(), "recipient"), start.sendAt());
      case SENDING ->
          ("Sending: %d of %d batches sent, %d sending; %d of %d messages handed"
                  + " to the provider (%d accepted, %d failed, %d unconfirmed)")
              .formatted(
                  ledger.sent(),
                  plan.batchCount(),
                  ledger.inFlight(),
                  tally.total(),
                  plan.allMessages(),
                  tally.accepted(),
                  tally.failed(),
                  tally.unconfirmed());
      case SENT ->
          "Sent %s; receipts: %s".formatted(Counted.of(plan.allMessages(), "message"), receipts);
      case COMPLETED -> "Completed: %s; %s".formatted(Counted.of(messages(), "message"), receipts);
      case CANCELLED ->
          "Cancelled: %d of %d batches were started; receipts: %s"
              .formatted(ledger.started(), plan.plannedBatchCount(), receipts);
    };
  }

  private DeliveryTally receipts() {
    return completion != null ? completion.messages() : ledger.receipts();
  }

  /** Why the sendout is stuck and since when, first thing in its details. */
  private String stuckLine() {
    StuckReason reason = stuck.reason();
    if (reason == null) {
      return "";
    }
    SupportAction acknowledged = stuck.acknowledged();
    String ack =
        acknowledged == null
            ? ""
            : " (acknowledged by %s: %s)"
                .formatted(plain(acknowledged.by()), plain(acknowledged.note()));
    if (reason == StuckReason.NO_RECEIPT && ledger.anyStuck()) {
      int batches = ledger.stuckBatches().size();
      return "STUCK (NO_RECEIPT)%s: %d %s unconfirmed since %s in %d %s. "
          .formatted(
              ack,
              ledger.stuckMessages(),
              ledger.stuckMessages() == 1 ? "message" : "messages",
              ledger.stuckSince(),
              batches,
              batches == 1 ? "batch" : "batches");
    }
    if (reason == StuckReason.NOT_RELEASED && stuck.state().releaseOverdue()) {
      return "STUCK (NOT_RELEASED)%s: the release is overdue; its activity keeps failing. "
          .formatted(ack);
    }
    return stuck
        .finding(reason)
        .map(
            f ->
                "STUCK (%s)%s: %s, since %s (found by the watchdog). "
                    .formatted(reason, ack, f.detail(), f.since()))
        .orElse("STUCK (%s)%s. ".formatted(reason, ack));
  }

  /** The most of a caller's text the details show; the audit trail keeps all of it. */
  static final int MAX_SHOWN = 200;

  /**
   * A caller's text as it is, in the details the Web UI renders as Markdown (for every tenant's
   * operators): on one line, cut to {@link #MAX_SHOWN}, and its markup escaped, so that a note
   * cannot show a heading of its own or a link. A null (an acknowledgement sent without a note
   * before notes were required, kept in a running workflow's state) shows as nothing.
   */
  static String plain(String text) {
    if (text == null) {
      return "";
    }
    int cut = MAX_SHOWN;
    if (text.length() > cut && Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--; // not half a character
    }
    String shown = text.length() <= MAX_SHOWN ? text : text.substring(0, cut) + "…";
    StringBuilder out = new StringBuilder(shown.length() + 16);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (Character.isWhitespace(c)) {
        c = ' ';
      } else if ("\\`*_{}[]()<>#+-.!|~".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
