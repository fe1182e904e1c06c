package dev.sendout.workflows.sendout;

/** The channel a sendout goes out on; each has its own provider and activity task queue. */
public enum Channel {
  EMAIL,
  SMS
}
