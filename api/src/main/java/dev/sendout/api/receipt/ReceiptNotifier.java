package dev.sendout.api.receipt;

import dev.sendout.core.receipt.BatchKey;
import dev.sendout.workflows.batch.BatchWorkflow;
import dev.sendout.workflows.receipt.ReceiptCheckPace;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Wakes the workflows whose messages received receipts, with {@code receiptsArrived} signals at the
 * pace a batch checks its receipts ({@link ReceiptCheckPace}: a few at once, then one per workflow
 * every five seconds), however many receipts and webhook calls there were. A workflow reads its
 * receipts from the store, so the signal only says "look now"; each signal costs a workflow task,
 * and a large sendout's receipts touch all its batches at once, so coalescing them is what keeps
 * Temporal's load flat.
 *
 * <p>A sendout runs its only batch, and small batches of added recipients, inline, with no batch
 * workflow: when a batch has no workflow, the sendout's own workflow is woken instead, and that one
 * signal wakes every batch it runs. A sendout receiving a round of additions a second has a new
 * inline batch each second; its wakes are coalesced like a batch's, so that its receipts cost it a
 * workflow task every few seconds rather than one a round. The batches found to have no workflow
 * are remembered, so that each costs one failed signal, not one a wake.
 *
 * <p>Signals are best effort by design: the webhook has already answered once receipts are stored,
 * and a batch whose signal is lost (Temporal away, the set full) still finds them at its next timed
 * check. The sets of batches waiting to be woken and found inline are bounded, so a flood of
 * receipts cannot grow them.
 */
@Component
public class ReceiptNotifier implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ReceiptNotifier.class);

  /** How often waiting batches are looked at: the first receipt of a batch waits at most this. */
  static final long FLUSH_INTERVAL_MS = 250;

  /** Beyond this many batches waiting, more are left to their timed checks. */
  static final int MAX_PENDING = 100_000;

  private static final int SIGNAL_THREADS = 4;

  /** How long a stop waits for the wakes still waiting to be sent. */
  static final Duration LAST_FLUSH = Duration.ofSeconds(5);

  private final WorkflowClient temporal;
  private final Set<BatchKey> pending = ConcurrentHashMap.newKeySet();

  /**
   * When each workflow's next signal is due ({@link ReceiptCheckPace}), by workflow id; a workflow
   * not listed may be signalled at once.
   */
  private final Map<String, Long> signalDue = new ConcurrentHashMap<>();

  /** Batches that have no workflow of their own: their sendout's workflow runs them. */
  private final Set<BatchKey> inline = ConcurrentHashMap.newKeySet();

  private final ScheduledExecutorService flusher =
      Executors.newSingleThreadScheduledExecutor(daemon("receipt-notifier"));
  private final ExecutorService signals =
      Executors.newFixedThreadPool(SIGNAL_THREADS, daemon("receipt-signal"));

  @Autowired
  public ReceiptNotifier(WorkflowClient temporal) {
    this(temporal, true);
  }

  /** With {@code flushOnItsOwn} false, only calls of {@link #flush} signal (for tests). */
  ReceiptNotifier(WorkflowClient temporal, boolean flushOnItsOwn) {
    this.temporal = temporal;
    if (flushOnItsOwn) {
      flusher.scheduleWithFixedDelay(
          () -> flush(System.nanoTime() / 1_000_000),
          FLUSH_INTERVAL_MS,
          FLUSH_INTERVAL_MS,
          TimeUnit.MILLISECONDS);
    }
  }

  public void wake(Collection<BatchKey> batches) {
    for (BatchKey batch : batches) {
      if (pending.size() >= MAX_PENDING) {
        return;
      }
      pending.add(batch);
    }
  }

  /** Signals each waiting batch whose workflow's pace allows a signal now, once a flush. */
  void flush(long nowMs) {
    signalDue.values().removeIf(due -> due <= nowMs);
    Set<String> woken = ConcurrentHashMap.newKeySet();
    List<Future<?>> sent = new ArrayList<>();
    for (BatchKey batch : pending) {
      String workflowId = workflowOf(batch);
      if (woken.add(workflowId) && mayWake(workflowId, nowMs)) {
        pending.remove(batch);
        sent.add(signals.submit(() -> signal(batch, nowMs, woken)));
      }
    }
    for (Future<?> f : sent) {
      try {
        f.get();
      } catch (InterruptedException e) {
        // The stop's last flush ran out of time: the signals not sent are dropped.
        Thread.currentThread().interrupt();
        sent.forEach(signal -> signal.cancel(true));
        return;
      } catch (ExecutionException | CancellationException e) {
        log.debug("Signal task failed", e);
      }
    }
  }

  /**
   * Wakes the batch's workflow, or else its sendout's: at once, unless the flush wakes the sendout
   * already ({@code woken}: that signal wakes this batch too) or the sendout's pace holds its
   * signal back, when the batch waits for its next wake.
   */
  private void signal(BatchKey batch, long nowMs, Set<String> woken) {
    String workflowId = workflowOf(batch);
    try {
      if (!inline.contains(batch)) {
        try {
          temporal.newWorkflowStub(BatchWorkflow.class, workflowId).receiptsArrived();
          return;
        } catch (WorkflowNotFoundException noBatchWorkflow) {
          // The sendout runs the batch itself (its only batch, or a small later one), or the batch
          // has settled and the sendout ignores the signal.
          if (inline.size() >= MAX_PENDING) {
            inline.clear(); // forgetting costs each batch one more failed signal
          }
          inline.add(batch);
          workflowId = workflowOf(batch);
          if (!woken.add(workflowId)) {
            // Another batch of this sendout has its signal in this flush, or waits for the next
            // one: either wakes every batch the sendout runs, this one among them.
            return;
          }
          if (!mayWake(workflowId, nowMs)) {
            pending.add(batch);
            return;
          }
        }
      }
      // The signal wakes every batch the sendout runs: those waiting need none of their own. They
      // leave the set before it is sent, so that a receipt stored after this still wakes them.
      pending.removeIf(
          waiting -> waiting.sendoutId().equals(batch.sendoutId()) && inline.contains(waiting));
      temporal.newWorkflowStub(SendoutWorkflow.class, workflowId).receiptsArrived();
    } catch (WorkflowNotFoundException finished) {
      // The sendout, and with it its inline batch, has finished: nothing is waiting for it.
    } catch (RuntimeException e) {
      log.warn(
          "Cannot wake {}; it will find its receipts at its next check: {}",
          workflowId,
          e.toString());
    }
  }

  /** Whether the workflow's pace allows a signal now; if so, the signal takes its place. */
  private boolean mayWake(String workflowId, long nowMs) {
    boolean[] allowed = {false};
    signalDue.compute(
        workflowId,
        (id, due) -> {
          long from = due == null ? nowMs : due;
          allowed[0] = ReceiptCheckPace.waitMs(from, nowMs) == 0;
          return allowed[0] ? ReceiptCheckPace.dueAfterLookAt(from, nowMs) : due;
        });
    return allowed[0];
  }

  private String workflowOf(BatchKey batch) {
    String sendoutId = batch.sendoutId().toString();
    return inline.contains(batch)
        ? SendoutWorkflow.workflowId(sendoutId)
        : BatchWorkflow.workflowId(sendoutId, batch.batchNo());
  }

  @Override
  public void destroy() {
    if (flusher.isShutdown()) {
      return;
    }
    // The wakes still waiting go out now, paced or not: after the stop nothing sends them, and
    // their batches would wait for their next timed check, minutes or hours away. Within a bound,
    // for a Temporal that does not answer.
    flusher.execute(
        () -> {
          signalDue.clear();
          flush(System.nanoTime() / 1_000_000);
        });
    flusher.shutdown();
    try {
      if (!flusher.awaitTermination(LAST_FLUSH.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Receipt wakes not all sent within {} of the stop", LAST_FLUSH);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // The signals queued and never started are cancelled, so that the flush waiting for them ends.
    signals.shutdownNow().forEach(queued -> ((Future<?>) queued).cancel(false));
    flusher.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
