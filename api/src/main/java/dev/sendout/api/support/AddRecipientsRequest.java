package dev.sendout.api.support;

import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Body of {@code POST /v1/sendouts/{id}/recipients}: recipients in the same format as on create,
 * checked against the sendout's channel and content.
 *
 * @param by who adds them, for the audit trail; "api" when absent
 */
public record AddRecipientsRequest(
    List<Recipient> recipients, @Schema(example = "ann@support.example.com") String by) {}
