package dev.sendout.api.receipt;

import dev.sendout.core.receipt.ReceiptStore.Ingested;

/**
 * What one webhook call stored.
 *
 * @param received receipts in the body
 * @param duplicates receipts stored before, now ignored
 * @param unmatched new receipts that name none of our messages; stored all the same
 */
public record WebhookResult(int received, int duplicates, int unmatched) {

  static WebhookResult of(Ingested ingested) {
    return new WebhookResult(ingested.received(), ingested.duplicates(), ingested.unmatched());
  }
}
