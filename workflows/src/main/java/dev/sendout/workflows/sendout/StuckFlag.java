package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK_REASON;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK_REASONS;

import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sendout workflow's {@code Stuck} and {@code StuckReason} search attributes, from everything
 * that can find a problem: the workflow's own release deadline, its batches' receipt deadlines, and
 * the watchdog. The reason shown is the first in {@link StuckReason} order. An acknowledged reason
 * keeps {@code StuckReason} set but clears {@code Stuck}, so that the sendout leaves the support
 * queue ({@code Stuck = true}) until a different problem appears.
 *
 * <p>From version 1 of {@code stuck-reasons}, {@code StuckReasons} lists every current reason, so
 * that a second problem does not hide behind the first.
 *
 * <p>Only changes are written, so a sendout's history holds one upsert per change of flag.
 */
final class StuckFlag {

  /**
   * @param acknowledgedReason the first reason when a person acknowledged the flag; null when none
   * @param acknowledged who acknowledged it; null when none
   * @param acknowledgedReasons every reason there was when a person acknowledged the flag (version
   *     1 of {@code acknowledge-every-reason}); null when none, and in runs acknowledged before it,
   *     whose acknowledgement covers {@code acknowledgedReason} alone while it is the first
   */
  record State(
      boolean releaseOverdue,
      List<WatchdogFindings.Finding> watchdog,
      StuckReason acknowledgedReason,
      SupportAction acknowledged,
      List<StuckReason> acknowledgedReasons) {

    static final State NONE = new State(false, List.of(), null, null, null);

    State withFindings(boolean releaseOverdue, List<WatchdogFindings.Finding> watchdog) {
      return new State(
          releaseOverdue, watchdog, acknowledgedReason, acknowledged, acknowledgedReasons);
    }
  }

  private State state;
  private boolean batchesStuck;
  private boolean flagged;
  private StuckReason flaggedReason;
  private boolean listsAllReasons;
  private List<StuckReason> listedReasons = List.of();

  StuckFlag(State restored, boolean batchesStuck) {
    this.state = restored;
    this.batchesStuck = batchesStuck;
    this.flaggedReason = reason();
    this.flagged = isStuck();
  }

  State state() {
    return state;
  }

  /** Writes {@code StuckReasons} too from now on; decided first thing in the workflow's run. */
  void listAllReasons() {
    listsAllReasons = true;
  }

  /** The reason to show, or null when nothing is wrong. */
  StuckReason reason() {
    Set<StuckReason> reasons = reasons();
    return reasons.isEmpty() ? null : reasons.iterator().next();
  }

  /** Every current reason, in {@link StuckReason} order. */
  private Set<StuckReason> reasons() {
    Set<StuckReason> reasons = EnumSet.noneOf(StuckReason.class);
    if (state.releaseOverdue()) {
      reasons.add(StuckReason.NOT_RELEASED);
    }
    if (batchesStuck) {
      reasons.add(StuckReason.NO_RECEIPT);
    }
    state.watchdog().forEach(f -> reasons.add(f.reason()));
    return reasons;
  }

  /** What the watchdog reported for {@code reason}, if it reported it. */
  Optional<WatchdogFindings.Finding> finding(StuckReason reason) {
    return state.watchdog().stream().filter(f -> f.reason() == reason).findFirst();
  }

  /**
   * Whether a reason is there that nobody acknowledged: one that came after the acknowledgement
   * flags the sendout again. (An acknowledgement from before {@code acknowledge-every-reason}
   * covers the first reason, and so every reason after it in {@link StuckReason} order too.)
   */
  boolean isStuck() {
    Set<StuckReason> reasons = reasons();
    if (reasons.isEmpty()) {
      return false;
    }
    return state.acknowledgedReasons() != null
        ? !state.acknowledgedReasons().containsAll(reasons)
        : reasons.iterator().next() != state.acknowledgedReason();
  }

  SupportAction acknowledged() {
    return isStuck() || reason() == null ? null : state.acknowledged();
  }

  void releaseOverdue(boolean overdue) {
    state = state.withFindings(overdue, state.watchdog());
  }

  void batchesStuck(boolean stuck) {
    batchesStuck = stuck;
  }

  void watchdog(List<WatchdogFindings.Finding> findings) {
    state = state.withFindings(state.releaseOverdue(), List.copyOf(findings));
  }

  /**
   * @param everyReason the acknowledgement covers every reason there is now ({@code
   *     acknowledge-every-reason}); otherwise the first alone, as runs acknowledged before it did
   */
  void acknowledge(SupportAction by, boolean everyReason) {
    state =
        new State(
            state.releaseOverdue(),
            state.watchdog(),
            reason(),
            by,
            everyReason ? List.copyOf(reasons()) : null);
  }

  /**
   * The acknowledgement back to {@code earlier}'s, the store having refused the new one; what the
   * watchdog and the release found meanwhile stays.
   */
  void unacknowledge(State earlier) {
    state =
        new State(
            state.releaseOverdue(),
            state.watchdog(),
            earlier.acknowledgedReason(),
            earlier.acknowledged(),
            earlier.acknowledgedReasons());
  }

  /** Writes the search attributes if they changed, or always when {@code force}. */
  void publish(boolean force) {
    StuckReason reason = reason();
    if (reason == null && state.acknowledgedReason() != null) {
      // The problem went away: a new one must flag the sendout again.
      state = new State(state.releaseOverdue(), state.watchdog(), null, null, null);
    }
    boolean stuck = isStuck();
    List<StuckReason> all = listsAllReasons ? List.copyOf(reasons()) : List.of();
    if (force || stuck != flagged || reason != flaggedReason || !all.equals(listedReasons)) {
      flagged = stuck;
      flaggedReason = reason;
      listedReasons = all;
      List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
      updates.add(STUCK.valueSet(stuck));
      updates.add(
          reason == null ? STUCK_REASON.valueUnset() : STUCK_REASON.valueSet(reason.name()));
      if (listsAllReasons) {
        updates.add(
            all.isEmpty()
                ? STUCK_REASONS.valueUnset()
                : STUCK_REASONS.valueSet(all.stream().map(Enum::name).toList()));
      }
      Workflow.upsertTypedSearchAttributes(updates.toArray(SearchAttributeUpdate<?>[]::new));
    }
  }
}
