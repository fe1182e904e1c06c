package dev.sendout.workflows.watchdog;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The watchdog: reconciles Postgres with Temporal and flags what nothing else would (invariant I2,
 * incident 2). On a real Temporal server a Schedule starts one pass every period; Temporal's test
 * server has no Schedules, so there one long-running workflow repeats the pass itself.
 */
@WorkflowInterface
public interface WatchdogWorkflow {

  /** The id of the Schedule, and of the looping workflow that stands in for it. */
  String ID = "sendout-watchdog";

  @WorkflowMethod
  void run(WatchdogRun run);
}
