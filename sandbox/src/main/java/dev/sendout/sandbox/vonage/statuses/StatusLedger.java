package dev.sendout.sandbox.vonage.statuses;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one run of status webhooks, from one clear to the next.
 *
 * <p>A clear retires the ledger and starts a new one instead of zeroing counters in place. Every
 * plan points at its ledger, so POSTs and retries still scheduled from before the clear recognise
 * that they are abandoned, and whatever they count lands in the retired ledger nobody reads.
 */
final class StatusLedger {

  private volatile boolean retired;
  private final AtomicLong pending = new AtomicLong();
  private final LongAdder posted = new LongAdder();
  private final LongAdder postFailures = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  boolean isRetired() {
    return retired;
  }

  void retire() {
    retired = true;
  }

  /**
   * Claims room for a message's POSTs, all or none, atomically so that concurrent requests cannot
   * overshoot the cap; POSTs that find no room are counted as dropped.
   */
  boolean reserve(int posts, long maxPending) {
    long before = pending.getAndUpdate(n -> n + posts <= maxPending ? n + posts : n);
    if (before + posts <= maxPending) {
      return true;
    }
    dropped.add(posts);
    return false;
  }

  void countPosted() {
    posted.increment();
    pending.decrementAndGet();
  }

  void countPostFailure() {
    postFailures.increment();
  }

  void countDropped(int posts) {
    dropped.add(posts);
    pending.addAndGet(-posts);
  }

  StatusStats snapshot() {
    return new StatusStats(posted.sum(), postFailures.sum(), pending.get(), dropped.sum());
  }
}
