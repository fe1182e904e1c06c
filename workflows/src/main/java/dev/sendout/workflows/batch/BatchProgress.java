package dev.sendout.workflows.batch;

import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.sendout.SendTally;

/**
 * A batch's state, as its {@code progress} query answers and as it reports to the sendout workflow
 * on each change of phase.
 *
 * @param sent the provider's answers to the send; null while sending
 */
public record BatchProgress(
    int batchNo, BatchPhase phase, SendTally sent, BatchReceipts receipts) {}
