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
 * @param sendGrace how long released messages may wait for the provider, with no message of their
 *     sendout going out meanwhile, before the sendout is flagged NOT_SENT
 * @param receiptWarning how long accepted messages may wait for a final receipt before the sendout
 *     is flagged RECEIPT_LATE, long before the receipt deadline makes them UNCONFIRMED
 */
@ConfigurationProperties("sendout.watchdog")
public record WatchdogProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("1m") Duration period,
    @DefaultValue("1000") int maxCheckedSendouts,
    @DefaultValue("5m") Duration sendGrace,
    @DefaultValue("1h") Duration receiptWarning) {}
