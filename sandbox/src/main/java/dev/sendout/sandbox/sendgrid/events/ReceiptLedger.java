package dev.sendout.sandbox.sendgrid.events;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one run of receipts, from one clear to the next.
 *
 * <p>A clear retires the ledger and starts a new one instead of zeroing counters in place. Every
 * event points at its ledger, so events and retries still in flight from before the clear are
 * recognised and abandoned, and whatever they count lands in the retired ledger that nobody reads.
 */
final class ReceiptLedger {

  private volatile boolean retired;
  private final AtomicLong pendingEvents = new AtomicLong();
  private final LongAdder eventsPosted = new LongAdder();
  private final LongAdder batchesPosted = new LongAdder();
  private final LongAdder postFailures = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder eventsDropped = new LongAdder();
  private final LongAdder eventsOverCapacity = new LongAdder();
  private final FateTally fates = new FateTally();

  boolean isRetired() {
    return retired;
  }

  void retire() {
    retired = true;
  }

  /**
   * Claims room for a request's events, all or none, atomically so that concurrent requests cannot
   * overshoot the cap; the events that find no room are counted.
   */
  boolean reserve(int events, long maxPendingEvents) {
    long before = pendingEvents.getAndUpdate(n -> n + events <= maxPendingEvents ? n + events : n);
    if (before + events <= maxPendingEvents) {
      return true;
    }
    eventsOverCapacity.add(events);
    return false;
  }

  void countFate(Fate fate) {
    fates.count(fate);
  }

  void countPosted(int events) {
    batchesPosted.increment();
    eventsPosted.add(events);
    pendingEvents.addAndGet(-events);
  }

  void countPostFailure() {
    postFailures.increment();
  }

  void countRetry() {
    retries.increment();
  }

  void countDropped(int events) {
    eventsDropped.add(events);
    pendingEvents.addAndGet(-events);
  }

  ReceiptStats snapshot() {
    return new ReceiptStats(
        pendingEvents.get(),
        eventsPosted.sum(),
        batchesPosted.sum(),
        postFailures.sum(),
        retries.sum(),
        eventsDropped.sum(),
        eventsOverCapacity.sum(),
        fates.snapshot());
  }
}
