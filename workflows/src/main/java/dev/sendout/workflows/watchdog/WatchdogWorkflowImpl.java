package dev.sendout.workflows.watchdog;

import dev.sendout.workflows.StoreCalls;
import dev.sendout.workflows.watchdog.WatchdogActivities.Reconcile;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Runs the reconciliation pass, once or, without Schedules, every {@link WatchdogRun#repeatEvery}.
 * A failed pass is logged and left to the next one: the watchdog must never stop.
 */
public class WatchdogWorkflowImpl implements WatchdogWorkflow {

  private static final Logger log = Workflow.getLogger(WatchdogWorkflowImpl.class);

  /** Passes per run of the looping form; about eight history events each. */
  static final int PASSES_PER_RUN = 100;

  /**
   * A pass reads a few indexed rows and describes the unfinished sendouts' workflows; minutes mean
   * something is wrong. Three attempts, then the next pass tries again. The pass heartbeats between
   * its steps: a pass whose worker was stopped or killed mid-pass is failed after the heartbeat
   * timeout, not the whole start-to-close, since the Schedule skips every pass due while one runs
   * (a redeploy mid-pass held the watchdog back for five minutes).
   */
  static final ActivityOptions PASS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setHeartbeatTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setMaximumAttempts(3)
                  .build())
          .build();

  private final WatchdogActivities activities =
      Workflow.newActivityStub(WatchdogActivities.class, PASS);

  @Override
  public void run(WatchdogRun run) {
    for (int pass = 0; pass < PASSES_PER_RUN; pass++) {
      Instant at = Instant.ofEpochMilli(Workflow.currentTimeMillis());
      try {
        ReconcileReport report = activities.reconcile(new Reconcile());
        Workflow.setCurrentDetails("Last pass at %s: %s".formatted(at, report.summary()));
      } catch (ActivityFailure e) {
        // The reason, not a trace each minute of an outage: the activity's failure is logged where
        // it happened.
        String reason = StoreCalls.reason(e);
        log.warn("Watchdog pass failed; the next one tries again: {}", reason);
        Workflow.setCurrentDetails("Last pass at %s FAILED: %s".formatted(at, reason));
      }
      if (run.repeatEvery() == null) {
        return;
      }
      Workflow.sleep(run.repeatEvery());
    }
    Workflow.continueAsNew(run);
  }
}
