package dev.sendout.api.suppression;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;

/**
 * One page of the caller's suppression list, newest first.
 *
 * @param nextCursor pass as {@code cursor}, with the same filters, for the next page; null on the
 *     last page
 */
public record SuppressionPage(
    @Schema(requiredMode = RequiredMode.REQUIRED) List<SuppressionView> items,
    @Schema(types = {"string", "null"}) String nextCursor) {}
