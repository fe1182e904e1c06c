package dev.sendout.api.limits;

import dev.sendout.core.config.InvalidSetting;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How much one tenant may ask of the API, and how much the API takes on at once.
 *
 * @param requestsPerSecond {@code /v1} calls per second and tenant; more are answered 429
 * @param recipientsPerMinute recipients a tenant may submit per minute, in new sendouts and
 *     additions together; more are answered 429
 * @param maxConcurrentRequests {@code /v1} requests handled at once, all tenants together; more are
 *     answered 429 before any other work ({@link ConcurrentRequests}), and one tenant's beyond two
 *     thirds of them once its key is known ({@link TenantShares})
 * @param maxConcurrentPublicRequests requests to what anyone may call, the providers' webhooks and
 *     the unsubscribe links, handled at once; more are answered 429 before their body is read
 *     ({@link ConcurrentRequests}). With {@code maxConcurrentRequests}, at most the server's
 *     request threads ({@code server.tomcat.threads.max}) less 20, so that health checks and the
 *     admin API always find one
 * @param maxConcurrentWrites write transactions (creates, uploads, combined JSON additions) the API
 *     runs at once, all tenants together; a little below the database pool, so that reads and
 *     webhooks always find a connection
 * @param maxWaitingAdditions JSON additions the API takes in at once, all tenants together: they
 *     wait, blocked, to be stored with the others of their tenant (or of their sendout) in one
 *     transaction (see {@link WriteBulkheads})
 * @param writeWait how long a write may wait for a place among either, or a create or upload for
 *     its tenant's share of the writes and then a place (one wait for both); most writes take a few
 *     milliseconds, so a short wait turns a burst of callers into a queue of a few milliseconds
 *     rather than refusals, while an overload is still answered 429 after this wait at most, never
 *     queued until it times out. At most {@code maxConcurrentWrites} callers wait at once for a
 *     place, and as many for their tenant's share; the others are refused at once
 * @param maxBacklog messages due and not yet accepted by a provider (see {@link BacklogBound})
 *     beyond which creates and additions are answered 429 until the engine catches up; 0 turns the
 *     bound off
 * @param maxPendingWorkflowWork sendouts due but not sent yet plus additions not yet handed to
 *     their workflow (see {@link BacklogBound}) beyond which creates and additions are answered
 *     429, unless {@code pendingWorkDrain} allows more: the bound for many small sendouts, which
 *     the message count barely notices; 0 turns it off. It is the bound whatever the pace, through
 *     a Temporal outage too, when the workflows send nothing
 * @param pendingWorkDrain how long the pending workflow work may take to drain at the pace the
 *     workflows kept lately (sendouts sent in the last {@link BacklogBound#PACE_WINDOW}): while
 *     they send faster than {@code maxPendingWorkflowWork} per this time, the bound is that much
 *     work. It follows the machine: the same load is let in on a fast one and refused on a slow one
 *     at the same wait
 */
@ConfigurationProperties("sendout.api.limits")
public record LimitProperties(
    @DefaultValue("100") int requestsPerSecond,
    @DefaultValue("1000000") int recipientsPerMinute,
    @DefaultValue("150") int maxConcurrentRequests,
    @DefaultValue("30") int maxConcurrentPublicRequests,
    @DefaultValue("6") int maxConcurrentWrites,
    @DefaultValue("128") int maxWaitingAdditions,
    @DefaultValue("100ms") Duration writeWait,
    @DefaultValue("100000") int maxBacklog,
    @DefaultValue("500") int maxPendingWorkflowWork,
    @DefaultValue("20s") Duration pendingWorkDrain) {

  /**
   * Checked as the api starts: a place count of 0 would answer every call of its kind 429 with the
   * api up and healthy, and a negative wait or bound has no meaning. 0 turns the two backlog bounds
   * off, as documented.
   */
  public LimitProperties {
    InvalidSetting.requireAtLeast("SENDOUT_API_LIMITS_REQUESTSPERSECOND", requestsPerSecond, 1);
    InvalidSetting.requireAtLeast("SENDOUT_API_LIMITS_RECIPIENTSPERMINUTE", recipientsPerMinute, 1);
    InvalidSetting.requireAtLeast(
        "SENDOUT_API_LIMITS_MAXCONCURRENTREQUESTS", maxConcurrentRequests, 1);
    InvalidSetting.requireAtLeast(
        "SENDOUT_API_LIMITS_MAXCONCURRENTPUBLICREQUESTS", maxConcurrentPublicRequests, 1);
    InvalidSetting.requireAtLeast("SENDOUT_API_LIMITS_MAXCONCURRENTWRITES", maxConcurrentWrites, 1);
    InvalidSetting.requireAtLeast("SENDOUT_API_LIMITS_MAXWAITINGADDITIONS", maxWaitingAdditions, 1);
    InvalidSetting.requireAtLeast("SENDOUT_API_LIMITS_MAXBACKLOG", maxBacklog, 0);
    InvalidSetting.requireAtLeast(
        "SENDOUT_API_LIMITS_MAXPENDINGWORKFLOWWORK", maxPendingWorkflowWork, 0);
    InvalidSetting.requireWithin(
        "SENDOUT_API_LIMITS_WRITEWAIT", writeWait, Duration.ZERO, null, "not negative");
    InvalidSetting.requireWithin(
        "SENDOUT_API_LIMITS_PENDINGWORKDRAIN",
        pendingWorkDrain,
        Duration.ZERO,
        null,
        "not negative");
  }
}
