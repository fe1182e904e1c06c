package dev.sendout.workflows.watchdog;

import java.time.Duration;

/**
 * @param repeatEvery null for one pass (a Schedule starts each); otherwise the workflow repeats the
 *     pass this often, for a Temporal without Schedules
 */
public record WatchdogRun(Duration repeatEvery) {}
