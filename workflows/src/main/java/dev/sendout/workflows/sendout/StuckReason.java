package dev.sendout.workflows.sendout;

/** Why a sendout or batch workflow is flagged {@code Stuck}, as its {@code StuckReason}. */
public enum StuckReason {
  /** Messages the provider accepted have had no receipt by their receipt deadline. */
  NO_RECEIPT
}
