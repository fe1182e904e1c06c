package dev.sendout.api.suppression;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;

/**
 * An address or number to put on the caller's suppression list.
 *
 * @param address an email address, or a phone number in E.164 format with its +
 * @param reason why, one of {@link dev.sendout.core.suppression.SuppressionReason}; MANUAL when
 *     absent
 */
public record AddSuppressionRequest(
    @Schema(requiredMode = RequiredMode.REQUIRED, example = "ana@example.com") String address,
    @Schema(
            types = {"string", "null"},
            allowableValues = {"HARD_BOUNCE", "SPAM_REPORT", "UNSUBSCRIBED", "SMS_STOP", "MANUAL"},
            defaultValue = "MANUAL")
        String reason) {}
