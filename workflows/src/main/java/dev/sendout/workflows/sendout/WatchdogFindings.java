package dev.sendout.workflows.sendout;

import java.util.Set;

/**
 * What the watchdog currently finds wrong with a sendout, from Postgres: sent whenever the set
 * changes, so that the workflow's {@code Stuck} flag shows problems its own code did not see.
 */
public record WatchdogFindings(Set<StuckReason> reasons) {}
