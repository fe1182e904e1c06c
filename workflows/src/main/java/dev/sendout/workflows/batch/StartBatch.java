package dev.sendout.workflows.batch;

import dev.sendout.workflows.sendout.SendTally;
import java.time.Duration;
import java.time.Instant;

/**
 * Input of {@link BatchWorkflow}.
 *
 * @param deliveryTaskQueue the channel's activity task queue
 * @param receiptTimeout how long accepted messages may wait for a receipt; null for batches of
 *     sendouts started before receipts were tracked, which end once sent
 * @param sent set, with {@code receiptDeadline}, when the batch continues as new while awaiting
 *     receipts; null on the first run
 */
public record StartBatch(
    SendBatch batch,
    String deliveryTaskQueue,
    Duration receiptTimeout,
    SendTally sent,
    Instant receiptDeadline) {

  public static StartBatch of(SendBatch batch, String deliveryTaskQueue, Duration receiptTimeout) {
    return new StartBatch(batch, deliveryTaskQueue, receiptTimeout, null, null);
  }

  StartBatch awaitingReceipts(SendTally sent, Instant receiptDeadline) {
    return new StartBatch(batch, deliveryTaskQueue, receiptTimeout, sent, receiptDeadline);
  }
}
