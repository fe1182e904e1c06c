package dev.sendout.workflows.batch;

import dev.sendout.workflows.Changes;
import dev.sendout.workflows.sendout.SendTally;
import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * A batch as a child workflow of its sendout: runs the batch's steps ({@link BatchRun}), reports
 * each change of phase to the sendout by signal, flags itself {@code Stuck=true,
 * StuckReason=NO_RECEIPT} while messages stay unconfirmed past the receipt deadline, and continues
 * as new while a long wait for receipts makes its history large.
 */
public class BatchWorkflowImpl implements BatchWorkflow, BatchRun.Owner {

  private static final Logger log = Workflow.getLogger(BatchWorkflowImpl.class);

  /** Attempts to signal the sendout workflow, a second more apart each time. */
  static final int REPORT_ATTEMPTS = 5;

  /**
   * From version 1 a child batch also tells its sendout where its receipts stand between changes of
   * phase ({@link #checked}), at most once per {@link #PROGRESS_GAP}: a support drill saw a sendout
   * of three child batches read "0 delivered, 2500 awaiting receipts" in the Web UI and its {@code
   * progress} query while the API said 2,474 DELIVERED, until the receipt deadline (24 h by
   * default). Asked only when such a report is due.
   */
  static final String REPORT_RECEIPT_PROGRESS = "report-receipt-progress";

  /**
   * The least time between two reports of a batch. Batches whose receipts all come within it (the
   * common case) report nothing more than before: they are sent, then settled.
   */
  static final Duration PROGRESS_GAP = Duration.ofSeconds(30);

  private final BatchRun run = new BatchRun(this);

  /** When this run last reported, and what; null before its first (a continued run's). */
  private long lastReportMs;

  private BatchProgress lastReport;

  @Override
  public SendTally run(StartBatch start) {
    Changes.decide();
    return run.run(start);
  }

  @Override
  public void receiptsArrived() {
    run.receiptsArrived();
  }

  @Override
  public void reportAgain() {
    run.reportAgain();
  }

  @Override
  public BatchProgress progress() {
    return run.progress();
  }

  @Override
  public void report(BatchProgress progress) {
    lastReportMs = Workflow.currentTimeMillis();
    lastReport = progress;
    Workflow.getInfo().getParentWorkflowId().ifPresent(parent -> tellParent(parent, progress));
  }

  /** Reports a check's news, once {@link #PROGRESS_GAP} has passed since the last report. */
  @Override
  public void checked(BatchProgress progress) {
    if (lastReport != null && progress.receipts().tally().equals(lastReport.receipts().tally())
        || Workflow.currentTimeMillis() - lastReportMs < PROGRESS_GAP.toMillis()
        || Workflow.getVersion(REPORT_RECEIPT_PROGRESS, Workflow.DEFAULT_VERSION, 1) != 1) {
      return;
    }
    report(progress);
  }

  @Override
  public void flagStuck(boolean stuck) {
    Workflow.upsertTypedSearchAttributes(SendoutSearchAttributes.noReceipt(stuck));
  }

  @Override
  public void historyIsLarge(StartBatch next) {
    Workflow.continueAsNew(next);
  }

  /**
   * Signals the sendout workflow by id, so that the signal reaches whichever run is current. A
   * signal sent at the moment the sendout continues as new can find no run (the test server shows
   * this; the real server switches runs atomically), so a refused signal is retried a few times. A
   * sendout that stays unreachable was terminated by an operator: nobody is left to tell.
   */
  private void tellParent(String parentId, BatchProgress progress) {
    SendoutWorkflow parent = Workflow.newExternalWorkflowStub(SendoutWorkflow.class, parentId);
    for (int attempt = 1; ; attempt++) {
      try {
        parent.batchProgress(progress);
        return;
      } catch (ApplicationFailure | SignalExternalWorkflowException e) {
        if (attempt == REPORT_ATTEMPTS) {
          log.warn("Cannot report batch {} to {}: {}", progress.batchNo(), parentId, e.toString());
          return;
        }
        Workflow.sleep(Duration.ofSeconds(attempt));
      }
    }
  }
}
