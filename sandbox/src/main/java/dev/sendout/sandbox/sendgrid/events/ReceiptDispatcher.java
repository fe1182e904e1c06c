package dev.sendout.sandbox.sendgrid.events;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Holds events until they are due and groups due events into batches on a single thread, posting a
 * batch when it is full or when its oldest event has waited the flush interval.
 *
 * <p>Each copy number of duplicated events has a batch of its own, which guarantees that two copies
 * of one event never share a POST. Open batches belong to the dispatcher thread alone and so need
 * no locking; only the delay queue is shared with the request threads.
 */
@Component
class ReceiptDispatcher {

  /** How long an idle dispatcher sleeps before it looks again; new events wake it sooner. */
  private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Due events taken from the queue in one go, to bound the dispatcher's scratch list. */
  private static final int DRAIN_LIMIT = 10_000;

  private final DelayQueue<PendingEvent> queue = new DelayQueue<>();
  private final Map<Integer, OpenBatch> open = new HashMap<>();
  private final List<PendingEvent> due = new ArrayList<>();
  private final ReceiptSettingsHolder settings;
  private final ReceiptPoster poster;
  private final Thread thread;

  ReceiptDispatcher(ReceiptSettingsHolder settings, ReceiptPoster poster) {
    this.settings = settings;
    this.poster = poster;
    this.thread = new Thread(this::run, "receipt-dispatcher");
    // A daemon thread cannot keep the JVM alive should the context never be closed.
    this.thread.setDaemon(true);
  }

  @PostConstruct
  void start() {
    thread.start();
  }

  @PreDestroy
  void stop() throws InterruptedException {
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(5));
  }

  void enqueue(List<PendingEvent> events) {
    queue.addAll(events);
  }

  /** Drops queued events of retired runs; open batches of those runs are dropped before posting. */
  void discardRetired() {
    queue.removeIf(PendingEvent::isRetired);
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        ReceiptSettings current = settings.current();
        PendingEvent first = queue.poll(nanosUntilNextFlush(current), TimeUnit.NANOSECONDS);
        if (first != null) {
          due.add(first);
          queue.drainTo(due, DRAIN_LIMIT);
          for (PendingEvent event : due) {
            add(event, current);
          }
          due.clear();
        }
        flushExpired(current);
      }
    } catch (InterruptedException e) {
      // Interruption is how the dispatcher is stopped; events still queued are abandoned with it.
      Thread.currentThread().interrupt();
    }
  }

  private void add(PendingEvent event, ReceiptSettings current) {
    ReceiptLedger ledger = event.ledger();
    if (ledger.isRetired()) {
      return;
    }
    OpenBatch batch = open.get(event.copy());
    if (batch != null && batch.ledger != ledger) {
      // Runs only ever end, so of two different runs at least one is retired by now.
      if (!batch.ledger.isRetired()) {
        return;
      }
      batch = null;
    }
    if (batch == null) {
      batch = new OpenBatch(ledger, System.nanoTime(), current.batchSize());
      open.put(event.copy(), batch);
    }
    batch.events.add(event);
    if (batch.events.size() >= current.batchSize()) {
      open.remove(event.copy());
      poster.post(new EventBatch(ledger, batch.events));
    }
  }

  private void flushExpired(ReceiptSettings current) {
    long now = System.nanoTime();
    long interval = TimeUnit.MILLISECONDS.toNanos(current.flushIntervalMs());
    Iterator<OpenBatch> batches = open.values().iterator();
    while (batches.hasNext()) {
      OpenBatch batch = batches.next();
      if (batch.ledger.isRetired()) {
        batches.remove();
      } else if (now - batch.openedAtNanos >= interval) {
        batches.remove();
        poster.post(new EventBatch(batch.ledger, batch.events));
      }
    }
  }

  private long nanosUntilNextFlush(ReceiptSettings current) {
    long interval = TimeUnit.MILLISECONDS.toNanos(current.flushIntervalMs());
    long now = System.nanoTime();
    long wait = IDLE_WAIT_NANOS;
    for (OpenBatch batch : open.values()) {
      wait = Math.min(wait, batch.openedAtNanos + interval - now);
    }
    return Math.max(wait, 0);
  }

  /** A batch still filling up, owned by the dispatcher thread. */
  private static final class OpenBatch {

    final ReceiptLedger ledger;
    final long openedAtNanos;
    final List<PendingEvent> events;

    OpenBatch(ReceiptLedger ledger, long openedAtNanos, int batchSize) {
      this.ledger = ledger;
      this.openedAtNanos = openedAtNanos;
      // Sized for small batches first; a batch of ten thousand should not be allocated per event.
      this.events = new ArrayList<>(Math.min(batchSize, 1024));
    }
  }
}
