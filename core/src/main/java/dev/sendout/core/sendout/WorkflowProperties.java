package dev.sendout.core.sendout;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings sendout workflows start with, shared by the api (which starts them) and the worker
 * (whose watchdog restarts them and checks their release deadlines).
 *
 * @param batchSize messages per email batch workflow (SendGrid takes 1,000 per request)
 * @param maxBatchesInFlight batch workflows a sendout runs at once
 * @param continueAsNewAfterEvents history length after which a sendout workflow continues as new
 * @param releaseGrace how long after its send time (or after being added) a message may stay
 *     unreleased before its sendout is flagged NOT_RELEASED
 */
@ConfigurationProperties("sendout.workflow")
public record WorkflowProperties(
    @DefaultValue("1000") int batchSize,
    @DefaultValue("8") int maxBatchesInFlight,
    @DefaultValue("2000") int continueAsNewAfterEvents,
    @DefaultValue("10m") Duration releaseGrace) {}
