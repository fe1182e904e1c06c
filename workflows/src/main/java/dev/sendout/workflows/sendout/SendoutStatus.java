package dev.sendout.workflows.sendout;

/**
 * The lifecycle of a sendout as a whole: SCHEDULED until its send time, SENDING while batches go
 * out, SENT once every message has left our hands (accepted, failed or in doubt), COMPLETED once
 * every message is settled by a receipt or a refusal. A sendout whose messages stay unconfirmed
 * remains SENT and is flagged stuck, so that it cannot pass for finished. CANCELLED is final for
 * new sends: its unsent messages are CANCELLED, and the receipts of those already sent are still
 * awaited.
 */
public enum SendoutStatus {
  SCHEDULED,
  SENDING,
  SENT,
  COMPLETED,
  CANCELLED
}
