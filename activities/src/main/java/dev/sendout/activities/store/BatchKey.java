package dev.sendout.activities.store;

import java.util.UUID;

/** One batch of one sendout: what a receipt wakes. */
public record BatchKey(UUID sendoutId, int batchNo) {}
