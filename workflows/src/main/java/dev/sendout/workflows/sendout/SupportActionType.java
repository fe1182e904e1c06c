package dev.sendout.workflows.sendout;

/** The support actions on a sendout, as recorded in its audit trail. */
public enum SupportActionType {
  PAUSE,
  RESUME,
  CANCEL,
  RESEND,
  ACKNOWLEDGE,
  ADD_RECIPIENTS,
  /** The watchdog started the workflow again after it had stopped without finishing. */
  RESTART,
  /** The watchdog handed messages found QUEUED past their release deadline to the workflow. */
  HAND_OVER
}
