package dev.sendout.workflows.sendout;

import java.time.Instant;

/** Answer of the {@code progress} query: what support staff need to see of a running sendout. */
public record SendoutProgress(
    String sendoutId,
    SendoutStatus status,
    Instant sendAt,
    int messageCount,
    int batchCount,
    int batchesDone,
    int batchesInFlight,
    SendTally tally) {}
