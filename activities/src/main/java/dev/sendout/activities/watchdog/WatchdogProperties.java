package dev.sendout.activities.watchdog;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the worker runs the watchdog.
 *
 * @param enabled false leaves the watchdog to another deployment (one per namespace suffices)
 * @param period how often it reconciles; a stuck message is flagged at most this long after its
 *     deadline
 * @param maxCheckedSendouts unfinished sendouts whose workflow one pass describes, oldest first: a
 *     bound on the Temporal calls a pass makes
 */
@ConfigurationProperties("sendout.watchdog")
public record WatchdogProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("1m") Duration period,
    @DefaultValue("1000") int maxCheckedSendouts) {}
