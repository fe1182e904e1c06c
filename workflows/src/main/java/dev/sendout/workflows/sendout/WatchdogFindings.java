package dev.sendout.workflows.sendout;

import java.time.Instant;
import java.util.List;

/**
 * What the watchdog currently finds wrong with a sendout, from Postgres: sent whenever the set of
 * reasons changes, so that the workflow's {@code Stuck} flag shows problems its own code did not
 * see (incident 2: messages its release step silently left behind).
 */
public record WatchdogFindings(List<Finding> findings) {

  /**
   * @param since when the problem began: the oldest message's deadline
   * @param messages how many messages it concerns
   */
  public record Finding(StuckReason reason, Instant since, int messages, String detail) {}
}
