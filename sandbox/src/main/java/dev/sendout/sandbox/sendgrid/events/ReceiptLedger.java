package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.webhook.WebhookCounts;
import dev.sendout.sandbox.webhook.WebhookLedger;

/**
 * The counters of one run of receipts, from one clear to the next: the shared webhook counters,
 * counted in events, and the fates drawn, which SendGrid's stats show alongside them.
 */
final class ReceiptLedger extends WebhookLedger {

  private final FateTally fates = new FateTally();

  void countFate(Fate fate) {
    fates.count(fate);
  }

  ReceiptStats stats() {
    WebhookCounts counts = counts();
    return new ReceiptStats(
        counts.pending(),
        counts.itemsPosted(),
        counts.postsSucceeded(),
        counts.postFailures(),
        counts.retries(),
        counts.dropped(),
        counts.overCapacity(),
        fates.snapshot());
  }
}
