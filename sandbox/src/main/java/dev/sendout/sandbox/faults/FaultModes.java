package dev.sendout.sandbox.faults;

/** What every provider's fault modes have in common. */
public interface FaultModes {

  /** How long every request waits before it answers. */
  long latencyMs();

  /**
   * Whether every send is refused as the provider refuses a revoked or wrong API key, whatever
   * credentials it carries: the misconfiguration that, unlike a bounce, a fixed key recovers from.
   */
  boolean rejectCredentials();
}
