package dev.sendout.sandbox.sendgrid.events;

import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * One copy of an event waiting in the delay queue until it is due.
 *
 * @param event the event; all copies of a duplicated event share it and so its sg_event_id
 * @param copy which copy this is, from 0; each copy number is batched separately so that two copies
 *     never travel in the same POST
 * @param dueNanos when it may be sent, on the {@link System#nanoTime()} clock
 * @param sequence breaks ties between events due at the same time, so a message's events leave in
 *     the order they were planned even when no delay separates them
 */
record PendingEvent(WebhookEvent event, int copy, long dueNanos, long sequence) implements Delayed {

  ReceiptLedger ledger() {
    return event.recipient().ledger();
  }

  boolean isRetired() {
    return ledger().isRetired();
  }

  @Override
  public long getDelay(TimeUnit unit) {
    return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  @Override
  public int compareTo(Delayed other) {
    PendingEvent that = (PendingEvent) other;
    int byDue = Long.compare(dueNanos - that.dueNanos, 0);
    return byDue != 0 ? byDue : Long.compare(sequence, that.sequence);
  }
}
