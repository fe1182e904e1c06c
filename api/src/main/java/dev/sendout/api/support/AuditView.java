package dev.sendout.api.support;

import dev.sendout.core.support.AuditTrail;
import java.util.List;
import java.util.UUID;

/** A sendout's audit trail: who did what and when, oldest first. */
public record AuditView(UUID sendoutId, List<AuditTrail.Entry> items) {}
