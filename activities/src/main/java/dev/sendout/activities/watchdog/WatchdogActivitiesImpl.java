package dev.sendout.activities.watchdog;

import dev.sendout.core.sendout.WorkflowProperties;
import dev.sendout.core.watchdog.FindingStore;
import dev.sendout.core.watchdog.FindingStore.Finding;
import dev.sendout.core.watchdog.FindingStore.Recorded;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.StuckReason;
import dev.sendout.workflows.sendout.WatchdogFindings;
import dev.sendout.workflows.watchdog.ReconcileReport;
import dev.sendout.workflows.watchdog.WatchdogActivities;
import io.temporal.activity.Activity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One watchdog pass: finds in Postgres the messages past their release or receipt deadline, hands
 * those still QUEUED to their sendout's running workflow again (which releases them, clearing the
 * finding on a later pass), checks in Temporal that every unfinished sendout's workflow runs
 * (restarting it from the record if not) and that every running sendout workflow has a record,
 * records what it finds as findings (each once, however many passes see it), logs each new one
 * once, and tells each affected workflow its current findings so that its {@code Stuck} flag shows
 * them.
 */
@Component
public class WatchdogActivitiesImpl implements WatchdogActivities {

  private static final Logger log = LoggerFactory.getLogger(WatchdogActivitiesImpl.class);

  /**
   * How long after a sendout's workflow was told of its open findings a pass tells it again, though
   * nothing changed: a signal lost after the pass committed (a Temporal blip, a worker that died
   * mid-pass, a reset that dropped it) is sent again within this, so the Web UI never keeps a stale
   * flag for good. Findings that change are told at the next pass.
   */
  static final Duration RETELL_AFTER = Duration.ofHours(1);

  /** Findings a workflow shows in its flag; a restart is over once the workflow runs again. */
  private static final Set<StuckReason> FLAGGED_ON_WORKFLOW =
      Set.of(
          StuckReason.NOT_RELEASED,
          StuckReason.NOT_SENT,
          StuckReason.NO_RECEIPT,
          StuckReason.RECEIPT_LATE,
          StuckReason.ORPHAN_WORKFLOW);

  /** Runs of overdue QUEUED messages handed over per sendout and pass; the rest go next pass. */
  static final int MAX_RANGES_PER_HAND_OVER = 1000;

  private final FindingStore findings;
  private final SendoutWorkflows workflows;
  private final WorkflowProperties settings;
  private final WatchdogProperties watchdog;

  public WatchdogActivitiesImpl(
      FindingStore findings,
      SendoutWorkflows workflows,
      WorkflowProperties settings,
      WatchdogProperties watchdog) {
    this.findings = findings;
    this.workflows = workflows;
    this.settings = settings;
    this.watchdog = watchdog;
  }

  @Override
  public ReconcileReport reconcile(Reconcile input) {
    List<Finding> notReleased = findings.notReleased(settings.releaseGrace());
    for (Finding f : notReleased) {
      alive();
      List<SeqRange> overdue =
          findings.overdueQueued(f.sendoutId(), settings.releaseGrace(), MAX_RANGES_PER_HAND_OVER);
      if (!overdue.isEmpty()) {
        workflows.handOver(f.sendoutId(), overdue);
      }
    }
    alive();
    List<Finding> noReceipt = findings.noReceipt();
    List<Finding> notSent = findings.notSent(watchdog.sendGrace());
    List<Finding> receiptLate = findings.receiptLate(watchdog.receiptWarning());
    alive();
    List<Finding> restarted = workflows.restartStopped();
    alive();
    List<Finding> orphans = workflows.orphans();
    alive();
    List<Finding> current = new ArrayList<>();
    current.addAll(notReleased);
    current.addAll(noReceipt);
    current.addAll(notSent);
    current.addAll(receiptLate);
    current.addAll(restarted);
    if (orphans != null) {
      current.addAll(orphans);
    }
    Recorded recorded = findings.record(current);
    for (Finding f : recorded.opened()) {
      log.warn(
          "Watchdog: sendout {} is {}: {} (since {})",
          f.sendoutId(),
          f.reason(),
          f.detail(),
          f.since());
    }
    Set<UUID> toTell = findings.toTell(RETELL_AFTER);
    restarted.forEach(f -> toTell.add(f.sendoutId()));
    for (UUID sendoutId : toTell) {
      alive();
      workflows.tell(sendoutId, findingsOf(sendoutId, current));
      findings.told(sendoutId);
    }
    return new ReconcileReport(
        notReleased.size(),
        noReceipt.size(),
        notSent.size(),
        receiptLate.size(),
        restarted.size(),
        orphans == null ? -1 : orphans.size(),
        recorded.opened().size(),
        recorded.cleared());
  }

  private static WatchdogFindings findingsOf(UUID sendoutId, List<Finding> current) {
    return new WatchdogFindings(
        current.stream()
            .filter(f -> f.sendoutId().equals(sendoutId))
            .filter(f -> FLAGGED_ON_WORKFLOW.contains(f.reason()))
            .map(f -> new WatchdogFindings.Finding(f.reason(), f.since(), f.messages(), f.detail()))
            .collect(Collectors.toList()));
  }

  /** Tells Temporal the pass is still at work (see the pass's heartbeat timeout). */
  static void alive() {
    Activity.getExecutionContext().heartbeat(null);
  }
}
