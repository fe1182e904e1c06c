package dev.sendout.workflows;

import io.temporal.workflow.Workflow;
import java.util.Set;

/**
 * The workflows' behaviour changes made between v0.2.0 and {@link #ALL_OF_0_3}, each asked of
 * Temporal as a version of its own ({@code Workflow.getVersion}), which records a marker in the
 * history of every run that asks it: seven in a one-recipient sendout, a fifth of its events.
 *
 * <p>A run started since asks {@link #ALL_OF_0_3} first thing ({@link #decide}) and has every
 * change listed here without a marker each. A run started before replays as it ran: its history has
 * no marker for that version, so Temporal answers the default there, and each change is asked as
 * before. Since the decision is taken in a run's first workflow task, a run that began under the
 * old code always replays that task, and never switches halfway.
 *
 * <p>A change made later is not added here (runs already started with this version would take it up
 * mid-run): ask it with {@code Workflow.getVersion} as usual. {@link #has} refuses a name not
 * listed, so that no later change is folded in by mistake.
 */
public final class Changes {

  /** The version that stands for every change listed in {@link #FOLDED}. */
  static final String ALL_OF_0_3 = "all-changes-of-0.3";

  private static final Set<String> FOLDED =
      Set.of(
          "cancel-after-store-write",
          "sees-changes-during-calls",
          "merge-added-ranges",
          "quiet-hours",
          "reminders",
          "drop-watchdog-findings-at-end",
          "stuck-reasons",
          "search-attributes-only-on-change",
          "local-small-release",
          "inline-single-batch",
          "inline-later-batches",
          "first-receipt-signal-at-once",
          "cancel-wait-timers",
          "local-store-calls",
          "retry-failed-store-calls");

  private Changes() {}

  /**
   * Asks {@link #ALL_OF_0_3}: first thing in a workflow's run, so that a run started before it
   * existed is told the default in its first, replayed, workflow task.
   */
  public static void decide() {
    all();
  }

  /** Whether the run has {@code change} (one of {@link #FOLDED}): in all of 0.3, or by its own. */
  public static boolean has(String change) {
    if (!FOLDED.contains(change)) {
      throw new IllegalArgumentException(
          change + " is not a change of 0.3: ask it with Workflow.getVersion");
    }
    return all() || Workflow.getVersion(change, Workflow.DEFAULT_VERSION, 1) == 1;
  }

  private static boolean all() {
    return Workflow.getVersion(ALL_OF_0_3, Workflow.DEFAULT_VERSION, 1) == 1;
  }
}
