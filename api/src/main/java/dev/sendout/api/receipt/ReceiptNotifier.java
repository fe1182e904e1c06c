package dev.sendout.api.receipt;

import dev.sendout.core.receipt.BatchKey;
import dev.sendout.workflows.batch.BatchWorkflow;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Wakes the batch workflows whose messages received receipts, with at most one {@code
 * receiptsArrived} signal per batch every {@link #MIN_SIGNAL_INTERVAL_MS}, however many receipts
 * and webhook calls there were. A batch workflow reads its receipts from the store, so the signal
 * only says "look now"; each signal costs the batch a workflow task, and a large sendout's receipts
 * touch all its batches at once, so coalescing them is what keeps Temporal's load flat.
 *
 * <p>A sendout runs its only batch, and small batches of added recipients, inline, with no batch
 * workflow: when a batch has no workflow, the sendout's own workflow is woken instead, once per
 * sendout however many of its batches were touched.
 *
 * <p>Signals are best effort by design: the webhook has already answered once receipts are stored,
 * and a batch whose signal is lost (Temporal away, the set full) still finds them at its next timed
 * check. The set of batches waiting to be woken is bounded, so a flood of receipts cannot grow it.
 */
@Component
public class ReceiptNotifier implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ReceiptNotifier.class);

  /** How often waiting batches are looked at: the first receipt of a batch waits at most this. */
  static final long FLUSH_INTERVAL_MS = 250;

  /** A batch signalled this recently stays waiting; its workflow checks no more often anyway. */
  static final long MIN_SIGNAL_INTERVAL_MS = 5000;

  /** Beyond this many batches waiting, more are left to their timed checks. */
  static final int MAX_PENDING = 100_000;

  private static final int SIGNAL_THREADS = 4;

  private final WorkflowClient temporal;
  private final Set<BatchKey> pending = ConcurrentHashMap.newKeySet();
  private final Map<BatchKey, Long> lastSignalled = new ConcurrentHashMap<>();
  private final ScheduledExecutorService flusher =
      Executors.newSingleThreadScheduledExecutor(daemon("receipt-notifier"));
  private final ExecutorService signals =
      Executors.newFixedThreadPool(SIGNAL_THREADS, daemon("receipt-signal"));

  public ReceiptNotifier(WorkflowClient temporal) {
    this.temporal = temporal;
    flusher.scheduleWithFixedDelay(
        this::flush, FLUSH_INTERVAL_MS, FLUSH_INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  public void wake(Collection<BatchKey> batches) {
    for (BatchKey batch : batches) {
      if (pending.size() >= MAX_PENDING) {
        return;
      }
      pending.add(batch);
    }
  }

  private void flush() {
    long now = System.nanoTime() / 1_000_000;
    lastSignalled.values().removeIf(at -> now - at >= MIN_SIGNAL_INTERVAL_MS);
    List<Future<?>> sent = new ArrayList<>();
    Set<UUID> sendoutsWoken = ConcurrentHashMap.newKeySet();
    for (BatchKey batch : pending) {
      if (lastSignalled.containsKey(batch)) {
        continue;
      }
      pending.remove(batch);
      lastSignalled.put(batch, now);
      sent.add(signals.submit(() -> signal(batch, sendoutsWoken)));
    }
    for (Future<?> f : sent) {
      try {
        f.get();
      } catch (Exception e) {
        log.debug("Signal task failed", e);
      }
    }
  }

  /**
   * Wakes the batch's workflow, or else its sendout's, unless {@code sendoutsWoken} says the
   * sendout was woken in this round already.
   */
  void signal(BatchKey batch, Set<UUID> sendoutsWoken) {
    String sendoutId = batch.sendoutId().toString();
    String workflowId = BatchWorkflow.workflowId(sendoutId, batch.batchNo());
    try {
      try {
        temporal.newWorkflowStub(BatchWorkflow.class, workflowId).receiptsArrived();
      } catch (WorkflowNotFoundException noBatchWorkflow) {
        // The sendout runs the batch itself (its only batch, or a small later one), or the batch
        // has settled and the sendout ignores the signal.
        if (!sendoutsWoken.add(batch.sendoutId())) {
          return;
        }
        workflowId = SendoutWorkflow.workflowId(sendoutId);
        temporal.newWorkflowStub(SendoutWorkflow.class, workflowId).receiptsArrived();
      }
    } catch (WorkflowNotFoundException finished) {
      // The sendout, and with it its inline batch, has finished: nothing is waiting for it.
    } catch (RuntimeException e) {
      log.warn(
          "Cannot wake {}; it will find its receipts at its next check: {}",
          workflowId,
          e.toString());
    }
  }

  @Override
  public void destroy() {
    flusher.shutdown();
    signals.shutdown();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
