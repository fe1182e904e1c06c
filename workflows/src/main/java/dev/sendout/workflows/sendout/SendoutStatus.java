package dev.sendout.workflows.sendout;

/**
 * The lifecycle of a sendout as a whole: SCHEDULED until its send time, SENDING while batches go
 * out, SENT once every message has left our hands (accepted, failed or in doubt).
 */
public enum SendoutStatus {
  SCHEDULED,
  SENDING,
  SENT
}
