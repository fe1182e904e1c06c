package dev.sendout.workflows.receipt;

import java.time.Duration;

/**
 * How often a batch's receipts are looked at when receipts keep arriving: a burst of {@link #BURST}
 * looks at once, then one every {@link #GAP} (a token bucket, kept as the time its next look is due
 * as if the looks were spaced by the gap). Both ends keep it: the API's receipt notifier for the
 * signals it sends a workflow, and a batch for the checks those signals wake.
 *
 * <p>A provider reports a batch in a few webhook calls moments apart (SendGrid: {@code processed}
 * at once, {@code delivered} a moment later): one look per gap held each batch's completion back by
 * up to the gap after its last receipt, the whole of a bulk sendout's last seconds. The burst takes
 * those calls at once; a batch whose receipts trickle in one call at a time is still looked at no
 * more than once a gap in the long run, which bounds its history.
 *
 * <p>Times are milliseconds on any clock that only moves forward: workflow time in a batch, {@code
 * System.nanoTime} in the notifier.
 *
 * <p>Workflow code decides from {@link #BURST} and {@link #GAP} whether to start a timer ({@code
 * BatchRun}, version {@code receipt-checks-in-a-burst}): changing either for running workflows
 * needs a new {@code Workflow.getVersion}, or their histories no longer replay.
 */
public final class ReceiptCheckPace {

  /**
   * Looks in a row that need not wait for the gap: a few webhook calls moments apart, each woken at
   * once (a batch's own check right after its send is not counted, as the notifier cannot).
   */
  public static final int BURST = 3;

  /** The pace in the long run: one look per gap. */
  public static final Duration GAP = Duration.ofSeconds(5);

  private static final long GAP_MS = GAP.toMillis();

  private ReceiptCheckPace() {}

  /** How long a look asked for at {@code nowMs} must wait: 0 when it may be made at once. */
  public static long waitMs(long dueMs, long nowMs) {
    return Math.max(0, dueMs - (BURST - 1) * GAP_MS - nowMs);
  }

  /**
   * When the next look is due, given a look made at {@code nowMs}: the burst's places are taken one
   * by one and come back one a gap. Never more than a whole burst ahead of now, so that a look made
   * without asking (a timed check) never makes the next one wait longer than a gap.
   */
  public static long dueAfterLookAt(long dueMs, long nowMs) {
    return Math.min(Math.max(dueMs, nowMs) + GAP_MS, nowMs + BURST * GAP_MS);
  }
}
