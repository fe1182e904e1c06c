package dev.sendout.sandbox.faults;

/** What every provider's fault modes have in common. */
public interface FaultModes {

  /** How long every request waits before it answers. */
  long latencyMs();
}
