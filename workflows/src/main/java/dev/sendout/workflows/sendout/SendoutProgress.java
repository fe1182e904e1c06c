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
 * @param paused true while support staff have paused new sends
 * @param acknowledged who acknowledged the current stuck flag, and their note; null when nobody has
 * @param watchdogFindings what the watchdog last reported about this sendout
 * @param nextReminderAt when the next reminder wave is due; null when none is pending
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
    List<String> stuckSample,
    boolean paused,
    SupportAction acknowledged,
    List<WatchdogFindings.Finding> watchdogFindings,
    Instant nextReminderAt) {

  public static final int MAX_SAMPLE = 50;
}
