package dev.sendout.api.suppression;

import dev.sendout.core.suppression.SuppressionReason;
import dev.sendout.core.suppression.SuppressionStore.Entry;
import dev.sendout.workflows.sendout.Channel;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.time.Instant;

/**
 * An address or number on the caller's suppression list: its messages become SUPPRESSED instead of
 * being sent.
 *
 * @param address in its normalised form: an email address lower-cased (its domain in ASCII), or an
 *     E.164 phone number
 * @param reason why it is there
 * @param source what put it there: {@code sendgrid:<event>:<sg_event_id>} for a provider event,
 *     {@code api:<API key name>} for a call of this API
 * @param createdAt when it was put there
 */
public record SuppressionView(
    @Schema(requiredMode = RequiredMode.REQUIRED) Channel channel,
    @Schema(requiredMode = RequiredMode.REQUIRED, example = "ana@example.com") String address,
    @Schema(requiredMode = RequiredMode.REQUIRED) SuppressionReason reason,
    @Schema(requiredMode = RequiredMode.REQUIRED, example = "api:support") String source,
    @Schema(requiredMode = RequiredMode.REQUIRED) Instant createdAt) {

  static SuppressionView of(Entry e) {
    return new SuppressionView(e.channel(), e.address(), e.reason(), e.source(), e.createdAt());
  }
}
