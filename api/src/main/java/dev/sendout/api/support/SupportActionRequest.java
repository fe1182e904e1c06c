package dev.sendout.api.support;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Optional body of the support actions: who takes the action and why, kept in the audit trail.
 *
 * @param by the person or system; "api" when absent
 * @param note why; required to acknowledge, so that the trail says what was seen
 */
public record SupportActionRequest(
    @Schema(
            example = "ann@support.example.com",
            minLength = 1,
            maxLength = SupportService.MAX_ACTOR_LENGTH)
        String by,
    @Schema(
            example = "Vonage confirmed the outage is over",
            maxLength = SupportService.MAX_NOTE_LENGTH)
        String note) {}
