package dev.sendout.workflows.sendout;

import dev.sendout.workflows.receipt.DeliveryTally;
import java.time.Instant;
import java.util.List;

/**
 * Answer of the {@code progress} query: what support staff need to see of a running sendout.
 *
 * @param batchesDone batches that have handed all their messages to the provider
 * @param batchesInFlight batches sending now
 * @param tally the provider's answers to the sends so far
 * @param receipts where the receipts have taken the sent messages; batches still sending are not
 *     counted yet
 * @param stuckReason why the sendout needs attention, or null
 * @param stuckSince when the oldest stuck message became stuck
 * @param stuckMessages how many messages are stuck
 * @param stuckSample ids of a few stuck messages (at most {@link #MAX_SAMPLE})
 */
public record SendoutProgress(
    String sendoutId,
    SendoutStatus status,
    Instant sendAt,
    int messageCount,
    int batchCount,
    int batchesDone,
    int batchesInFlight,
    SendTally tally,
    DeliveryTally receipts,
    StuckReason stuckReason,
    Instant stuckSince,
    int stuckMessages,
    List<String> stuckSample) {

  public static final int MAX_SAMPLE = 50;
}
