package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.vonage.InvalidParameter;
import dev.sendout.sandbox.webhook.SettingsCheck;
import dev.sendout.sandbox.webhook.WebhookSettings;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The status webhook settings that can change while the sandbox runs, bound from {@code
 * sandbox.vonage.statuses.*} at start and shown by {@code GET /sandbox/vonage/statuses}. The
 * signature secret lives in {@link StatusStartupProperties} instead, so it can never be returned
 * here.
 *
 * @param webhookUrl where statuses are posted; empty switches them off
 * @param delayMs how long after acceptance the final status happens; {@code submitted} is at once
 * @param silenceRate share of accepted messages that never get a status
 * @param rejectedRate share of accepted messages that get a single {@code rejected}
 * @param undeliverableRate share of accepted messages that end {@code undeliverable}
 * @param submittedRate share of delivered and undeliverable messages with a {@code submitted}
 *     before their final status
 * @param duplicates how many times every status is posted, with an identical body each time
 * @param maxAttempts POST attempts per status before it is dropped
 * @param retryInitialBackoffMs the wait before the first retry; each later wait doubles, up to 30 s
 * @param maxPendingStatuses statuses waiting or in flight beyond which new ones are dropped, so a
 *     load test against a dead receiver cannot exhaust the heap
 * @param seed the seed of the fate draws, or null for fresh randomness; setting it, at start or
 *     through PUT, restarts the draws from that seed, so the i-th message accepted afterwards
 *     always gets the same fate and the counts of each fate repeat even when the order of the
 *     messages does not
 */
@ConfigurationProperties("sandbox.vonage.statuses")
public record StatusSettings(
    @DefaultValue("") String webhookUrl,
    @DefaultValue("500") long delayMs,
    @DefaultValue("0") double silenceRate,
    @DefaultValue("0") double rejectedRate,
    @DefaultValue("0") double undeliverableRate,
    @DefaultValue("1") double submittedRate,
    @DefaultValue("1") int duplicates,
    @DefaultValue("20") int maxAttempts,
    @DefaultValue("1000") long retryInitialBackoffMs,
    @DefaultValue("100000") long maxPendingStatuses,
    Long seed)
    implements WebhookSettings {

  static final int MAX_DUPLICATES = 100;

  public StatusSettings {
    // An environment variable left unset binds as an empty or missing value; both mean "off".
    webhookUrl = webhookUrl == null ? "" : webhookUrl.trim();
  }

  /** Lists what is wrong with these settings, named as in the JSON of the settings endpoint. */
  List<InvalidParameter> problems() {
    return new SettingsCheck()
        .webhookUrl(this)
        .atLeast("delayMs", delayMs, 0)
        .share("silenceRate", silenceRate)
        .share("rejectedRate", rejectedRate)
        .share("undeliverableRate", undeliverableRate)
        .share("submittedRate", submittedRate)
        .between("duplicates", duplicates, 1, MAX_DUPLICATES)
        .retries(this)
        .atLeast("maxPendingStatuses", maxPendingStatuses, 1)
        .problems(InvalidParameter::new);
  }
}
