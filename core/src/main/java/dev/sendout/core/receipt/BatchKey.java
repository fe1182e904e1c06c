package dev.sendout.core.receipt;

import java.util.UUID;

/** One batch of one sendout: what a receipt wakes. */
public record BatchKey(UUID sendoutId, int batchNo) {}
