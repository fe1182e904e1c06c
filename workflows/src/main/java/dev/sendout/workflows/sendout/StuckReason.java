package dev.sendout.workflows.sendout;

/**
 * Why a sendout needs a person's attention. The workflow shows the first that applies as its {@code
 * StuckReason}; the watchdog records each one it finds as a finding in Postgres.
 */
public enum StuckReason {
  /** Messages were still QUEUED at their release deadline (send time, or when added, + grace). */
  NOT_RELEASED,
  /**
   * Messages released a send grace ago that no provider has accepted or refused since, and no
   * message of the sendout went out meanwhile: the provider keeps failing (5xx, bad credentials).
   * Found by the watchdog, with the provider's last error.
   */
  NOT_SENT,
  /** Messages the provider accepted have had no receipt by their receipt deadline. */
  NO_RECEIPT,
  /**
   * An early warning: messages accepted longer ago than the receipt warning time (an hour by
   * default) still have no final receipt, well before their receipt deadline. Found by the
   * watchdog; message statuses do not change until the deadline.
   */
  RECEIPT_LATE,
  /** The sendout is not finished but its workflow was not running; the watchdog restarted it. */
  WORKFLOW_NOT_RUNNING,
  /** A sendout workflow runs whose sendout record is gone. Only the watchdog sees this one. */
  ORPHAN_WORKFLOW
}
