package dev.sendout.workflows.batch;

import dev.sendout.workflows.sendout.SendTally;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Input of {@link BatchWorkflow}.
 *
 * @param deliveryTaskQueue the channel's activity task queue
 * @param messagesPerCall messages per delivery activity; null for the whole batch in one
 * @param receiptTimeout how long accepted messages may wait for a receipt; null for batches of
 *     sendouts started before receipts were tracked, which end once sent
 * @param sent set, with {@code receiptDeadline}, when the batch continues as new while awaiting
 *     receipts; null on the first run
 */
public record StartBatch(
    SendBatch batch,
    String deliveryTaskQueue,
    Integer messagesPerCall,
    Duration receiptTimeout,
    SendTally sent,
    Instant receiptDeadline) {

  public static StartBatch of(
      SendBatch batch, String deliveryTaskQueue, Integer messagesPerCall, Duration receiptTimeout) {
    return new StartBatch(batch, deliveryTaskQueue, messagesPerCall, receiptTimeout, null, null);
  }

  StartBatch awaitingReceipts(SendTally sent, Instant receiptDeadline) {
    return new StartBatch(
        batch, deliveryTaskQueue, messagesPerCall, receiptTimeout, sent, receiptDeadline);
  }

  /**
   * The batch cut into the ranges one delivery activity each sends, in order: one range for email,
   * one message per range for SMS.
   */
  List<SendBatch> calls() {
    int size = batch.toSeq() - batch.fromSeq();
    int step = messagesPerCall == null ? size : messagesPerCall;
    List<SendBatch> calls = new ArrayList<>();
    for (int from = batch.fromSeq(); from < batch.toSeq(); from += step) {
      calls.add(
          new SendBatch(
              batch.sendoutId(), batch.batchNo(), from, Math.min(from + step, batch.toSeq())));
    }
    return calls;
  }
}
