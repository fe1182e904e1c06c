package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.sendgrid.SendGridError;
import dev.sendout.sandbox.webhook.SettingsCheck;
import dev.sendout.sandbox.webhook.WebhookSettings;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Event Webhook settings that can change while the sandbox runs, bound from {@code
 * sandbox.sendgrid.receipts.*} at start and shown by {@code GET /sandbox/sendgrid/receipts}. The
 * signing key lives in {@link ReceiptStartupProperties} instead, so it can never be returned here.
 *
 * <p>Silence, drop and bounce share one random draw, in that order, so each rate is exactly the
 * share of messages it names as long as they add up to at most 1; beyond that the earlier fates
 * win. The other rates are separate draws on the messages they apply to.
 *
 * @param webhookUrl where event batches are posted; empty switches receipts off
 * @param deliveryDelayMs how long after acceptance a message is delivered or bounced
 * @param silenceRate share of accepted messages for which no event at all is ever sent
 * @param dropRate share of accepted messages that get a single dropped event
 * @param bounceRate share of accepted messages that are processed and then bounce
 * @param deferredRate share of delivered messages with a deferred event before the delivery
 * @param asyncBounceRate share of delivered messages that bounce one more delay after delivery
 * @param outOfOrderRate share of delivered messages whose events are sent newest first
 * @param bounceWithoutCustomArgsRate share of bouncing messages whose bounce event lacks the custom
 *     args, as real SendGrid bounces sometimes do
 * @param duplicates how many times every event is sent, each copy in a POST of its own
 * @param batchSize the most events one POST carries
 * @param flushIntervalMs the longest a due event waits for its batch to fill up
 * @param maxAttempts POST attempts per batch before its events are dropped
 * @param retryInitialBackoffMs the wait before the first retry; each later wait doubles, up to 30 s
 * @param maxPendingEvents events queued or in flight beyond which new ones are dropped, so a load
 *     test against a dead receiver cannot exhaust the heap
 */
@ConfigurationProperties("sandbox.sendgrid.receipts")
public record ReceiptSettings(
    @DefaultValue("") String webhookUrl,
    @DefaultValue("500") long deliveryDelayMs,
    @DefaultValue("0") double silenceRate,
    @DefaultValue("0") double dropRate,
    @DefaultValue("0") double bounceRate,
    @DefaultValue("0") double deferredRate,
    @DefaultValue("0") double asyncBounceRate,
    @DefaultValue("0") double outOfOrderRate,
    @DefaultValue("0") double bounceWithoutCustomArgsRate,
    @DefaultValue("1") int duplicates,
    @DefaultValue("1000") int batchSize,
    @DefaultValue("100") long flushIntervalMs,
    @DefaultValue("20") int maxAttempts,
    @DefaultValue("1000") long retryInitialBackoffMs,
    @DefaultValue("5000000") long maxPendingEvents)
    implements WebhookSettings {

  static final int MAX_DUPLICATES = 100;
  static final int MAX_BATCH_SIZE = 10_000;

  public ReceiptSettings {
    // An environment variable left unset binds as an empty or missing value; both mean "off".
    webhookUrl = webhookUrl == null ? "" : webhookUrl.trim();
  }

  /** Lists what is wrong with these settings, in the shape SendGrid uses for its own errors. */
  List<SendGridError> problems() {
    return new SettingsCheck()
        .webhookUrl(this)
        .atLeast("deliveryDelayMs", deliveryDelayMs, 0)
        .share("silenceRate", silenceRate)
        .share("dropRate", dropRate)
        .share("bounceRate", bounceRate)
        .share("deferredRate", deferredRate)
        .share("asyncBounceRate", asyncBounceRate)
        .share("outOfOrderRate", outOfOrderRate)
        .share("bounceWithoutCustomArgsRate", bounceWithoutCustomArgsRate)
        .between("duplicates", duplicates, 1, MAX_DUPLICATES)
        .between("batchSize", batchSize, 1, MAX_BATCH_SIZE)
        .atLeast("flushIntervalMs", flushIntervalMs, 0)
        .retries(this)
        .atLeast("maxPendingEvents", maxPendingEvents, 1)
        .problems((field, reason) -> new SendGridError(field + " " + reason + ".", field, null));
  }
}
