package dev.sendout.workflows.sendout;

/**
 * Why a sendout needs a person's attention. The workflow shows the first that applies as its {@code
 * StuckReason}; the watchdog records each one it finds as a finding in Postgres.
 */
public enum StuckReason {
  /** Messages were still QUEUED at their release deadline (send time, or when added, + grace). */
  NOT_RELEASED,
  /** Messages the provider accepted have had no receipt by their receipt deadline. */
  NO_RECEIPT,
  /** The sendout is not finished but its workflow was not running; the watchdog restarted it. */
  WORKFLOW_NOT_RUNNING,
  /** A sendout workflow runs whose sendout record is gone. Only the watchdog sees this one. */
  ORPHAN_WORKFLOW
}
