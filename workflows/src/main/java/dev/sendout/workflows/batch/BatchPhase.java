package dev.sendout.workflows.batch;

/** Where a batch workflow is; each change is reported to the sendout workflow. */
public enum BatchPhase {
  /** Calling the provider. */
  SENDING,
  /** Every message was handed over; waiting for receipts until the receipt deadline. */
  AWAITING_RECEIPTS,
  /** The receipt deadline passed with messages unconfirmed; still listening for late receipts. */
  STUCK,
  /** Every message is settled. */
  SETTLED
}
