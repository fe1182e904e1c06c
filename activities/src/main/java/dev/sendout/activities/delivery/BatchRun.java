package dev.sendout.activities.delivery;

import dev.sendout.activities.StoreCall;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.PauseCheck;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.sendout.SendTally;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * What every channel's delivery activity does around its sends, so that each channel says only how
 * it claims and sends: the batch is logged under its sendout and number, refused while the sendout
 * is paused, and answered with its tally from the store, which counts what earlier attempts settled
 * too. The database away fails it as a store call's outage does ({@link StoreCall#ifOutage}).
 */
public final class BatchRun {

  private BatchRun() {}

  /** Runs {@code send} with the batch's sendout id, then answers the batch's tally. */
  public static SendTally run(
      SendBatch batch, SendoutStore sendouts, DeliveryStore deliveries, Consumer<UUID> send) {
    UUID sendoutId = UUID.fromString(batch.sendoutId());
    try (var sendoutMdc = MDC.putCloseable("sendoutId", batch.sendoutId());
        var batchMdc = MDC.putCloseable("batch", String.valueOf(batch.batchNo()))) {
      try {
        PauseCheck.refuseWhilePaused(sendouts, sendoutId, () -> deliveries.hasUnclaimed(batch));
        send.accept(sendoutId);
        return deliveries.tally(batch);
      } catch (RuntimeException e) {
        throw StoreCall.ifOutage(e); // logged under the batch's sendout and number
      }
    }
  }
}
