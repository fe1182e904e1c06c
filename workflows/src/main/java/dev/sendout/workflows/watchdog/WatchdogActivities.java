package dev.sendout.workflows.watchdog;

import io.temporal.activity.ActivityInterface;

/** One reconciliation pass of the watchdog, done where Postgres and the Temporal client are. */
@ActivityInterface
public interface WatchdogActivities {

  ReconcileReport reconcile(Reconcile input);

  /** Carries nothing yet: the worker's configuration says what to check. */
  record Reconcile() {}
}
