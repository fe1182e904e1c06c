package dev.sendout.sandbox.webhook;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one run of webhooks, from one clear to the next, counted in items: events for
 * SendGrid, statuses for Vonage.
 *
 * <p>A clear retires the ledger and starts a new one instead of zeroing counters in place. Every
 * planned item points at its ledger, so items and retries still in flight from before the clear
 * recognise that they are abandoned, and whatever they count lands in the retired ledger that
 * nobody reads.
 *
 * <p>It is open for extension so that a provider can count per-run facts of its own, such as the
 * fates SendGrid reports, with the same retirement.
 */
public class WebhookLedger {

  private volatile boolean retired;
  private final AtomicLong pending = new AtomicLong();
  private final LongAdder itemsPosted = new LongAdder();
  private final LongAdder postsSucceeded = new LongAdder();
  private final LongAdder postFailures = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder overCapacity = new LongAdder();

  public boolean isRetired() {
    return retired;
  }

  void retire() {
    retired = true;
  }

  /**
   * Claims room for the items of one accepted request, all or none, atomically so that concurrent
   * requests cannot overshoot the cap; the items that find no room are counted as over capacity.
   */
  public boolean reserve(int items, long maxPending) {
    long before = pending.getAndUpdate(n -> n + items <= maxPending ? n + items : n);
    if (before + items <= maxPending) {
      return true;
    }
    overCapacity.add(items);
    return false;
  }

  /** Counts one POST the receiver accepted, carrying this many items. */
  public void countPosted(int items) {
    postsSucceeded.increment();
    itemsPosted.add(items);
    pending.addAndGet(-items);
  }

  public void countPostFailure() {
    postFailures.increment();
  }

  public void countRetry() {
    retries.increment();
  }

  /** Counts items given up on, after the last attempt or because webhooks were switched off. */
  public void countDropped(int items) {
    dropped.add(items);
    pending.addAndGet(-items);
  }

  public WebhookCounts counts() {
    return new WebhookCounts(
        pending.get(),
        itemsPosted.sum(),
        postsSucceeded.sum(),
        postFailures.sum(),
        retries.sum(),
        dropped.sum(),
        overCapacity.sum());
  }
}
