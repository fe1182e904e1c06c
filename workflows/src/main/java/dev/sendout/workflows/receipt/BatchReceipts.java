package dev.sendout.workflows.receipt;

import java.time.Instant;
import java.util.List;

/**
 * What the store knows of one batch's receipts.
 *
 * @param unconfirmedSince when the oldest of the unconfirmed messages became unconfirmed; null when
 *     there are none
 * @param unconfirmedSample the ids of a few unconfirmed messages (bounded), for support staff
 */
public record BatchReceipts(
    DeliveryTally tally, Instant unconfirmedSince, List<String> unconfirmedSample) {

  public static final BatchReceipts NONE = new BatchReceipts(DeliveryTally.NONE, null, List.of());

  /** A batch just sent, as its send counted it: {@code accepted} await a receipt. */
  public static BatchReceipts awaiting(int accepted, int failed) {
    return new BatchReceipts(new DeliveryTally(accepted, 0, 0, 0, failed, 0), null, List.of());
  }
}
