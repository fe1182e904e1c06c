package dev.sendout.workflows.batch;

import dev.sendout.workflows.sendout.SendTally;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Input of {@link BatchWorkflow}.
 *
 * @param deliveryTaskQueue the channel's activity task queue
 * @param messagesPerCall messages per delivery activity: the batch size for email, 50 for SMS
 * @param receiptTimeout how long accepted messages may wait for a receipt
 * @param sent set, with {@code receiptDeadline}, when the batch continues as new while awaiting
 *     receipts; null on the first run
 */
public record StartBatch(
    SendBatch batch,
    String deliveryTaskQueue,
    int messagesPerCall,
    Duration receiptTimeout,
    SendTally sent,
    Instant receiptDeadline) {

  public StartBatch {
    if (messagesPerCall < 1) {
      throw new IllegalArgumentException("messagesPerCall must be positive");
    }
    Objects.requireNonNull(receiptTimeout, "receiptTimeout");
    if (receiptTimeout.isNegative() || receiptTimeout.isZero()) {
      throw new IllegalArgumentException("receiptTimeout must be positive");
    }
  }

  public static StartBatch of(
      SendBatch batch, String deliveryTaskQueue, int messagesPerCall, Duration receiptTimeout) {
    return new StartBatch(batch, deliveryTaskQueue, messagesPerCall, receiptTimeout, null, null);
  }

  StartBatch awaitingReceipts(SendTally sent, Instant receiptDeadline) {
    return new StartBatch(
        batch, deliveryTaskQueue, messagesPerCall, receiptTimeout, sent, receiptDeadline);
  }

  /** How many delivery activities the batch makes: one for email, one per 50 messages for SMS. */
  public int callCount() {
    return (batch.toSeq() - batch.fromSeq() + messagesPerCall - 1) / messagesPerCall;
  }

  /**
   * The batch cut into the ranges one delivery activity each sends, in order: one range for email,
   * one message per range for SMS.
   */
  List<SendBatch> calls() {
    List<SendBatch> calls = new ArrayList<>();
    for (int from = batch.fromSeq(); from < batch.toSeq(); from += messagesPerCall) {
      calls.add(
          new SendBatch(
              batch.sendoutId(),
              batch.batchNo(),
              from,
              Math.min(from + messagesPerCall, batch.toSeq())));
    }
    return calls;
  }
}
