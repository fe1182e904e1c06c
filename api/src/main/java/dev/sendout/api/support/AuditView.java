package dev.sendout.api.support;

import dev.sendout.core.support.AuditTrail;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.UUID;

/**
 * A page of a sendout's audit trail: who did what and when, oldest first.
 *
 * @param nextCursor the cursor of the next page; null on the last
 */
public record AuditView(
    UUID sendoutId,
    List<AuditTrail.Entry> items,
    @Schema(
            types = {"string", "null"},
            description = "Pass as cursor for the next page; null on the last page")
        String nextCursor) {}
