package dev.sendout.workflows.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.workflows.batch.BatchPhase;
import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.receipt.DeliveryTally;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact wording support staff read, and the query answer built from the same state. */
class ProgressReportTest {

  private static final Instant SEND_AT = Instant.parse("2026-03-01T09:00:00Z");
  private static final Instant SINCE = Instant.parse("2026-03-02T09:00:00Z");
  private static final StartSendout START =
      new StartSendout(
          "s1",
          "t1",
          Channel.EMAIL,
          25,
          SEND_AT,
          new SendoutSettings(10, 2, "q", 2000, Duration.ofHours(24), 10, Duration.ofMinutes(10)),
          null);

  private final BatchPlan plan = new BatchPlan("s1", 10);
  private final BatchLedger ledger = new BatchLedger();

  private ProgressReport report(StuckFlag stuck) {
    return new ProgressReport(START, plan, ledger, stuck);
  }

  private ProgressReport report() {
    return report(new StuckFlag(StuckFlag.State.NONE, false));
  }

  /** Released 25 messages in three batches; batch 0 sent and delivered, batch 1 still sending. */
  private void sending() {
    plan.released(25);
    ledger.startNext();
    ledger.startNext();
    ledger.record(
        new BatchProgress(
            0,
            BatchPhase.AWAITING_RECEIPTS,
            new SendTally(9, 1, 0),
            new BatchReceipts(new DeliveryTally(0, 9, 0, 0, 1, 0), null, List.of())));
  }

  /** Batch 1 past its receipt deadline with one message unconfirmed since {@link #SINCE}. */
  private void batchOneStuck() {
    ledger.record(
        new BatchProgress(
            1,
            BatchPhase.STUCK,
            new SendTally(10, 0, 0),
            new BatchReceipts(new DeliveryTally(0, 9, 0, 0, 0, 1), SINCE, List.of("m12"))));
  }

  @Test
  void aScheduledSendoutShowsItsRecipientsAndSendTime() {
    assertThat(report().details(SendoutStatus.SCHEDULED, false))
        .isEqualTo("Scheduled: 25 recipients, sending at 2026-03-01T09:00:00Z");
  }

  /**
   * A one-recipient sendout, the commonest kind, read "Scheduled: 1 recipients" (a walk-through).
   */
  @Test
  void oneRecipientAndOneMessageAreSingular() {
    StartSendout one =
        new StartSendout("s1", "t1", Channel.EMAIL, 1, SEND_AT, START.settings(), null);
    BatchPlan onePlan = new BatchPlan("s1", 10);
    ProgressReport report =
        new ProgressReport(one, onePlan, ledger, new StuckFlag(StuckFlag.State.NONE, false));
    assertThat(report.details(SendoutStatus.SCHEDULED, false))
        .isEqualTo("Scheduled: 1 recipient, sending at 2026-03-01T09:00:00Z");
    onePlan.released(1);
    assertThat(report.details(SendoutStatus.SENT, false)).startsWith("Sent 1 message; ");
    assertThat(report.details(SendoutStatus.COMPLETED, false)).startsWith("Completed: 1 message; ");
  }

  /**
   * Recipients added before the send time count in the details and the query alike, before the
   * release and after one that waits for a delivery window (found by a second reader: the details
   * dropped them at that release, and the query counted only them before it).
   */
  @Test
  void recipientsAddedBeforeTheReleaseCountBeforeItAndAfterAReleaseInWindows() {
    plan.add(new SeqRange(25, 29));
    assertThat(report().details(SendoutStatus.SCHEDULED, false)).startsWith("Scheduled: 29 ");
    assertThat(report().query(SendoutStatus.SCHEDULED, false).messageCount()).isEqualTo(29);

    plan.releasedInWindows(29);
    assertThat(report().details(SendoutStatus.SCHEDULED, false)).startsWith("Scheduled: 29 ");
    assertThat(report().query(SendoutStatus.SCHEDULED, false).messageCount()).isEqualTo(29);
  }

  @Test
  void aPausedSendoutSaysSoFirst() {
    assertThat(report().details(SendoutStatus.SCHEDULED, true))
        .isEqualTo("PAUSED. Scheduled: 25 recipients, sending at 2026-03-01T09:00:00Z");
  }

  @Test
  void aSendingSendoutCountsBatchesAndTheProvidersAnswers() {
    sending();

    assertThat(report().details(SendoutStatus.SENDING, false))
        .isEqualTo(
            "Sending: 1 of 3 batches sent, 1 sending; 10 of 25 messages handed to the provider"
                + " (9 accepted, 1 failed, 0 unconfirmed)");
  }

  @Test
  void aSentSendoutCountsAddedMessagesAndShowsItsReceipts() {
    sending();
    plan.add(new SeqRange(25, 30));

    assertThat(report().details(SendoutStatus.SENT, false))
        .isEqualTo(
            "Sent 30 messages; receipts: 9 delivered, 0 bounced, 0 dropped, 1 failed,"
                + " 0 unconfirmed, 0 awaiting receipts");
  }

  /** It said "Completed: 5 messages; 8 delivered" of a sendout of 5 that 3 were added to. */
  @Test
  void aCompletedSendoutCountsAddedMessagesAsASentOneDoes() {
    sending();
    plan.add(new SeqRange(25, 30));

    assertThat(report().details(SendoutStatus.COMPLETED, false))
        .isEqualTo(
            "Completed: 30 messages; 9 delivered, 0 bounced, 0 dropped, 1 failed,"
                + " 0 unconfirmed, 0 awaiting receipts");
  }

  @Test
  void aCancelledSendoutShowsHowManyOfItsPlannedBatchesStarted() {
    sending();
    plan.cancelAt(ledger.started());

    assertThat(report().details(SendoutStatus.CANCELLED, false))
        .startsWith("Cancelled: 2 of 3 batches were started; receipts: 9 delivered");
  }

  @Test
  void stuckBatchesComeFirstWithTheirUnconfirmedMessagesAndSince() {
    sending();
    batchOneStuck();

    assertThat(report(new StuckFlag(StuckFlag.State.NONE, true)).details(SendoutStatus.SENT, false))
        .isEqualTo(
            "STUCK (NO_RECEIPT): 1 message unconfirmed since 2026-03-02T09:00:00Z in 1 batch."
                + " Sent 25 messages; receipts: 18 delivered, 0 bounced, 0 dropped, 1 failed,"
                + " 1 unconfirmed, 0 awaiting receipts");
  }

  @Test
  void anOverdueReleaseSaysItsActivityKeepsFailing() {
    StuckFlag stuck = new StuckFlag(StuckFlag.State.NONE, false);
    stuck.releaseOverdue(true);

    assertThat(report(stuck).details(SendoutStatus.SCHEDULED, true))
        .isEqualTo(
            "STUCK (NOT_RELEASED): the release is overdue; its activity keeps failing."
                + " PAUSED. Scheduled: 25 recipients, sending at 2026-03-01T09:00:00Z");
  }

  @Test
  void aWatchdogFindingShowsItsDetailAndWhoAcknowledgedIt() {
    sending();
    StuckFlag stuck = restartedByTheWatchdog();
    assertThat(report(stuck).details(SendoutStatus.SENDING, false))
        .startsWith(
            "STUCK (WORKFLOW_NOT_RUNNING): workflow restarted, since 2026-03-02T09:00:00Z"
                + " (found by the watchdog). Sending: ");

    stuck.acknowledge(new SupportAction("ann", "seen"), true);

    assertThat(report(stuck).details(SendoutStatus.SENDING, false))
        .startsWith(
            "STUCK (WORKFLOW_NOT_RUNNING) (acknowledged by ann: seen): workflow restarted, since"
                + " 2026-03-02T09:00:00Z (found by the watchdog). Sending: ");
  }

  @Test
  void anAcknowledgementsNoteIsShownAsPlainTextNotAsTheWebUisMarkdown() {
    sending();
    StuckFlag stuck = restartedByTheWatchdog();
    stuck.acknowledge(
        new SupportAction("ops", "\n\n## Resolved\n[Log in again](https://evil.example)"), true);

    assertThat(report(stuck).details(SendoutStatus.SENDING, false))
        .startsWith(
            "STUCK (WORKFLOW_NOT_RUNNING) (acknowledged by ops:   \\#\\# Resolved"
                + " \\[Log in again\\]\\(https://evil\\.example\\)): workflow restarted");
    assertThat(ProgressReport.plain("x".repeat(300))).hasSize(ProgressReport.MAX_SHOWN + 1);
    assertThat(ProgressReport.plain("x".repeat(199) + "\uD83D\uDE00")).endsWith("x…");
    // An acknowledgement without a note, as an Update sent by hand could carry before notes were
    // required, stays in a running workflow's state: its details must still be written.
    stuck.acknowledge(new SupportAction("ops", null), true);
    assertThat(report(stuck).details(SendoutStatus.SENDING, false))
        .startsWith("STUCK (WORKFLOW_NOT_RUNNING) (acknowledged by ops: ): workflow restarted");
  }

  private static StuckFlag restartedByTheWatchdog() {
    StuckFlag stuck = new StuckFlag(StuckFlag.State.NONE, false);
    stuck.watchdog(
        List.of(
            new WatchdogFindings.Finding(
                StuckReason.WORKFLOW_NOT_RUNNING, SINCE, 25, "workflow restarted")));
    return stuck;
  }

  @Test
  void aReasonWithNothingMoreToSayIsShownAlone() {
    sending();

    assertThat(report(new StuckFlag(StuckFlag.State.NONE, true)).details(SendoutStatus.SENT, false))
        .startsWith("STUCK (NO_RECEIPT). Sent 25 messages");
  }

  @Test
  void theQueryAnswersWithTheSameCountsAsTheDetails() {
    sending();
    batchOneStuck();

    SendoutProgress progress =
        report(new StuckFlag(StuckFlag.State.NONE, true)).query(SendoutStatus.SENT, false);

    assertThat(progress.sendoutId()).isEqualTo("s1");
    assertThat(progress.status()).isEqualTo(SendoutStatus.SENT);
    assertThat(progress.sendAt()).isEqualTo(SEND_AT);
    assertThat(progress.messageCount()).isEqualTo(25);
    assertThat(progress.batchCount()).isEqualTo(3);
    assertThat(progress.batchesDone()).isEqualTo(2);
    assertThat(progress.batchesInFlight()).isZero();
    assertThat(progress.tally()).isEqualTo(new SendTally(19, 1, 0));
    assertThat(progress.receipts()).isEqualTo(new DeliveryTally(0, 18, 0, 0, 1, 1));
    assertThat(progress.stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);
    assertThat(progress.stuckSince()).isEqualTo(SINCE);
    assertThat(progress.stuckMessages()).isEqualTo(1);
    assertThat(progress.stuckSample()).containsExactly("m12");
    assertThat(progress.paused()).isFalse();
    assertThat(progress.acknowledged()).isNull();
  }

  @Test
  void theQueryTakesTheSinceOfAWatchdogFindingWhenNoBatchIsStuck() {
    StuckFlag stuck = new StuckFlag(StuckFlag.State.NONE, false);
    var finding = new WatchdogFindings.Finding(StuckReason.NOT_RELEASED, SINCE, 5, "5 queued");
    stuck.watchdog(List.of(finding));

    SendoutProgress progress = report(stuck).query(SendoutStatus.SENDING, true);

    assertThat(progress.stuckReason()).isEqualTo(StuckReason.NOT_RELEASED);
    assertThat(progress.stuckSince()).isEqualTo(SINCE);
    assertThat(progress.watchdogFindings()).containsExactly(finding);
    assertThat(progress.paused()).isTrue();
  }

  /**
   * A support drill: a run reopened for a resend counted only its own batches, and its details read
   * "Completed: 5 messages; 0 delivered, 2 failed" for a sendout of 3 DELIVERED and 2 FAILED. Once
   * completed, the details and the query give the store's counts of every run's messages.
   */
  @Test
  void aCompletedSendoutShowsTheStoresCountsOfAllItsRunsMessages() {
    sending();
    ProgressReport report = report();
    DeliveryTally whole = new DeliveryTally(0, 3, 0, 0, 2, 0);

    report.completed(null); // a history recorded before the store answered: the run's own counts
    assertThat(report.details(SendoutStatus.COMPLETED, false))
        .isEqualTo("Completed: 25 messages; " + new DeliveryTally(0, 9, 0, 0, 1, 0));

    report.completed(SendoutActivities.Completion.done(whole, 5));
    assertThat(report.details(SendoutStatus.COMPLETED, false))
        .isEqualTo("Completed: 5 messages; " + whole);
    assertThat(report.query(SendoutStatus.COMPLETED, false).receipts()).isEqualTo(whole);
    assertThat(report.query(SendoutStatus.COMPLETED, false).messageCount()).isEqualTo(5);
  }
}
