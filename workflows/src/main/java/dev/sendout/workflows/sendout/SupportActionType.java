package dev.sendout.workflows.sendout;

/**
 * The support actions on a sendout, and on a tenant's suppression list, as the audit trail records
 * them.
 */
public enum SupportActionType {
  PAUSE,
  RESUME,
  CANCEL,
  RESEND,
  ACKNOWLEDGE,
  /** The next reminder wave's reminder is not sent to anyone still due for it. */
  SKIP_REMINDER,
  /** No reminder is sent any more. */
  CANCEL_REMINDERS,
  ADD_RECIPIENTS,
  /** The watchdog started the workflow again after it had stopped without finishing. */
  RESTART,
  /** The watchdog handed messages found QUEUED past their release deadline to the workflow. */
  HAND_OVER,
  /**
   * An address or number was taken off the tenant's suppression list. Recorded in the tenant's
   * trail, not a sendout's: no workflow takes this action.
   */
  SUPPRESSION_REMOVED
}
