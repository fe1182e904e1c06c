package dev.sendout.workflows.receipt;

import dev.sendout.workflows.batch.SendBatch;
import io.temporal.activity.ActivityInterface;
import java.time.Duration;
import java.util.List;

/**
 * Reads and settles a batch's receipts in the store. Receipts themselves arrive through the API's
 * webhooks, which write them to the store and then wake the batch workflow with a signal.
 */
@ActivityInterface
public interface ReceiptActivities {

  /** Counts the batch's messages by where their receipts have taken them. */
  BatchReceipts checkReceipts(SendBatch batch);

  /** {@link #checkReceipts} of each batch, in their order, in one call. */
  List<BatchReceipts> checkEach(List<SendBatch> batches);

  /**
   * The receipt deadline has passed: moves the batch's messages still awaiting a receipt to
   * UNCONFIRMED (never to DELIVERED), then counts as {@link #checkReceipts} does. Idempotent.
   */
  BatchReceipts expireReceipts(ExpireReceipts input);

  /**
   * @param receiptTimeout the deadline that passed, recorded as the messages' reason
   */
  record ExpireReceipts(SendBatch batch, Duration receiptTimeout) {}
}
