package dev.sendout.activities.receipt;

import dev.sendout.activities.StoreCall;
import dev.sendout.core.receipt.MessageSettlement;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.receipt.ReceiptActivities;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * A batch's receipts in the store, for the batches' waits ({@code BatchRun}, {@code ReceiptWatch}).
 */
@Component
public class ReceiptActivitiesImpl implements ReceiptActivities {

  /** Enough unconfirmed ids for support staff to start from; the API lists them all. */
  static final int SAMPLE_SIZE = 10;

  private final MessageSettlement settlement;

  public ReceiptActivitiesImpl(MessageSettlement settlement) {
    this.settlement = settlement;
  }

  @Override
  public BatchReceipts checkReceipts(SendBatch batch) {
    return StoreCall.classified(() -> settlement.batchReceipts(batch, SAMPLE_SIZE));
  }

  @Override
  public List<BatchReceipts> checkEach(List<SendBatch> batches) {
    return batches.stream().map(this::checkReceipts).toList();
  }

  @Override
  public BatchReceipts expireReceipts(ExpireReceipts input) {
    SendBatch batch = input.batch();
    StoreCall.classified(
        () ->
            settlement.expireAwaitingReceipt(
                batch, "No receipt from the provider within " + input.receiptTimeout()));
    return checkReceipts(batch);
  }
}
