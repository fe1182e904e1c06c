package dev.sendout.workflows.sendout;

import dev.sendout.workflows.batch.SendBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which messages batch {@code n} of a sendout sends. The first release's batches come first, cut
 * from the released messages in order of sequence number; after them come the later batches, in the
 * order they were planned: those of added recipients (once released) and those of resends.
 *
 * <p>It also keeps the ranges of added messages, to recognise a repeated addition and to release
 * each once, and the cut made by a cancel: no batch is started after it. Pure state, so that the
 * workflow can carry it across a continue-as-new and tests can check it without a server.
 */
final class BatchPlan {

  private final String sendoutId;
  private final int batchSize;
  private int messageCount;
  private final List<SendBatch> laterBatches = new ArrayList<>();

  /**
   * Later batches started before a continue-as-new, which {@link #laterBatches} no longer holds.
   */
  private int startedLaterBatches;

  private final List<SeqRange> additions = new ArrayList<>();
  private final List<SeqRange> toRelease = new ArrayList<>();
  private Integer cancelledAtBatch;

  /**
   * Whether the sendout has a delivery window: then the first release plans no batches of its own,
   * since it may leave messages waiting anywhere in its range; every batch is planned from the
   * ranges each release within windows actually released ({@link #planReleased}).
   */
  private boolean windowed;

  /**
   * Known ranges the watchdog found still QUEUED: released again and sent in batches of their own.
   * Not carried across a continue-as-new; the watchdog's next pass hands them over again.
   */
  private final List<SeqRange> requeued = new ArrayList<>();

  /** The plan of a sendout not released yet: no batch at all. */
  BatchPlan(String sendoutId, int batchSize) {
    this.sendoutId = sendoutId;
    this.batchSize = batchSize;
  }

  /** The plan a continued run carries on with. */
  static BatchPlan restore(
      String sendoutId, int batchSize, int messageCount, SupportState support, boolean windowed) {
    BatchPlan plan = new BatchPlan(sendoutId, batchSize);
    plan.messageCount = messageCount;
    plan.windowed = windowed;
    plan.laterBatches.addAll(support.laterBatches());
    plan.startedLaterBatches = support.startedLaterBatches();
    plan.additions.addAll(support.additions());
    plan.toRelease.addAll(support.toRelease());
    plan.cancelledAtBatch = support.cancelledAtBatch();
    return plan;
  }

  /** The first release took {@code messageCount} messages: they make the first batches. */
  void released(int messageCount) {
    this.messageCount = messageCount;
  }

  /**
   * The first release within delivery windows saw {@code messageCount} messages: they are the first
   * release's, but only those it released are planned, by {@link #planReleased}.
   */
  void releasedInWindows(int messageCount) {
    this.messageCount = messageCount;
    this.windowed = true;
  }

  /**
   * Plans one batch for each range a release within windows released (the store bounds them to a
   * batch), which also releases the requeued ranges. Returns whether any batch was planned.
   */
  boolean planReleased(List<SeqRange> released) {
    requeued.clear();
    for (SeqRange range : released) {
      laterBatches.add(new SendBatch(sendoutId, batchCount(), range.fromSeq(), range.toSeq()));
    }
    return !released.isEmpty();
  }

  /** Messages of the first release. */
  int messageCount() {
    return messageCount;
  }

  /** Messages of the first release plus those added after it. */
  int allMessages() {
    return messageCount + addedMessages();
  }

  /** Messages added after the first release; those added before it were released with it. */
  int addedMessages() {
    return additions.stream()
        .mapToInt(range -> Math.max(0, range.toSeq() - Math.max(range.fromSeq(), messageCount)))
        .sum();
  }

  /** Batch {@code n}: one of the first release's, in order of sequence numbers, or a later one. */
  SendBatch batch(int batchNo) {
    int initial = initialBatchCount();
    if (batchNo >= initial) {
      return laterBatches.get(batchNo - initial - startedLaterBatches);
    }
    int fromSeq = batchNo * batchSize;
    return new SendBatch(sendoutId, batchNo, fromSeq, Math.min(fromSeq + batchSize, messageCount));
  }

  /** Whether batch {@code n} was planned after the first release's batches. */
  boolean isLater(int batchNo) {
    return batchNo >= initialBatchCount();
  }

  /** Every batch planned; once cancelled, only those started by then. */
  int batchCount() {
    return cancelledAtBatch != null ? cancelledAtBatch : plannedBatchCount();
  }

  /** Every batch planned, whether or not a cancel cut the plan short. */
  int plannedBatchCount() {
    return initialBatchCount() + startedLaterBatches + laterBatches.size();
  }

  private int initialBatchCount() {
    return windowed ? 0 : initialBatchCount(messageCount, batchSize);
  }

  /** The batches of a first release of {@code messageCount} messages, without a window. */
  static int initialBatchCount(int messageCount, int batchSize) {
    return (messageCount + batchSize - 1) / batchSize;
  }

  /**
   * Accepts the messages of an added range that this plan does not know yet, to be released by
   * {@link #takeUnreleased}: a range handed over again, wholly or in part (the relay merges the
   * ranges of a round, so a retried round may overlap one handed over before), adds only what is
   * new. Returns false when nothing was new: the range was added already, or belongs to the first
   * release.
   */
  boolean add(SeqRange range) {
    List<SeqRange> fresh = uncovered(range);
    if (fresh.isEmpty()) {
      return false;
    }
    // Kept merged, so that a day of one-recipient additions is one range, not one per call.
    additions.addAll(fresh);
    List<SeqRange> merged = SeqRange.merged(additions);
    additions.clear();
    additions.addAll(merged);
    toRelease.addAll(fresh);
    return true;
  }

  /** The parts of {@code range} neither in the first release nor added before. */
  private List<SeqRange> uncovered(SeqRange range) {
    List<SeqRange> known = new ArrayList<>(additions);
    known.add(new SeqRange(0, messageCount));
    known.sort(Comparator.comparingInt(SeqRange::fromSeq));
    List<SeqRange> fresh = new ArrayList<>();
    int from = range.fromSeq();
    for (SeqRange covered : known) {
      if (covered.toSeq() <= from || covered.size() == 0) {
        continue;
      }
      if (covered.fromSeq() >= range.toSeq()) {
        break;
      }
      if (covered.fromSeq() > from) {
        fresh.add(new SeqRange(from, covered.fromSeq()));
      }
      from = Math.max(from, covered.toSeq());
    }
    if (from < range.toSeq()) {
      fresh.add(new SeqRange(from, range.toSeq()));
    }
    return fresh;
  }

  /** A range this plan knows whose messages the watchdog found still QUEUED. */
  void requeue(SeqRange range) {
    if (!requeued.contains(range)) {
      requeued.add(range);
    }
  }

  boolean hasUnreleased() {
    return !toRelease.isEmpty() || !requeued.isEmpty();
  }

  /**
   * What a release of {@code taken} ({@link #takeUnreleased}) and of the requeued ranges is to
   * release, merged: only what is planned next, so that an addition stored since, whose range has
   * not come yet, stays QUEUED. Released unplanned, it was sent by no batch when its range came too
   * late, the sendout completing (a hostile sweep: one message in five such sendouts, COMPLETED).
   */
  List<SeqRange> releasing(List<SeqRange> taken) {
    List<SeqRange> ranges = new ArrayList<>(taken);
    ranges.addAll(requeued);
    return SeqRange.merged(ranges);
  }

  /** The added ranges not released yet; they are handed over once. */
  List<SeqRange> takeUnreleased() {
    List<SeqRange> ranges = List.copyOf(toRelease);
    toRelease.clear();
    return ranges;
  }

  /**
   * Plans batches of at most a batch size for added ranges that were just released, and for the
   * requeued ones. Returns whether any batch was planned: ranges added before the first release
   * were planned with it.
   *
   * @param mergeContiguous whether ranges that follow one another are sent together (from version 1
   *     of {@code merge-added-ranges}): many small additions released at once then make one batch
   *     rather than a batch each
   */
  boolean planAdded(List<SeqRange> released, boolean mergeContiguous) {
    List<SeqRange> ranges =
        released.stream().filter(range -> range.toSeq() > messageCount).toList();
    for (SeqRange range : mergeContiguous ? SeqRange.merged(ranges) : ranges) {
      planInBatches(range);
    }
    for (SeqRange range : requeued) {
      planInBatches(range);
    }
    boolean planned = !ranges.isEmpty() || !requeued.isEmpty();
    requeued.clear();
    return planned;
  }

  private void planInBatches(SeqRange range) {
    for (int from = range.fromSeq(); from < range.toSeq(); from += batchSize) {
      laterBatches.add(
          new SendBatch(sendoutId, batchCount(), from, Math.min(from + batchSize, range.toSeq())));
    }
  }

  /**
   * Plans batches of at most a batch size for ranges of RELEASED messages that no batch took, found
   * at the run's completion: a run that stopped released them.
   */
  void planUnsent(List<SeqRange> ranges) {
    ranges.forEach(this::planInBatches);
  }

  /** Plans one batch for each range a resend moved back to RELEASED (the store bounds them). */
  void planResend(List<SeqRange> ranges) {
    for (SeqRange range : ranges) {
      laterBatches.add(new SendBatch(sendoutId, batchCount(), range.fromSeq(), range.toSeq()));
    }
  }

  /** Cuts the plan after the {@code started} batches, and drops the additions not released. */
  void cancelAt(int started) {
    cancelledAtBatch = started;
    toRelease.clear();
    requeued.clear();
  }

  boolean cancelled() {
    return cancelledAtBatch != null;
  }

  /**
   * The plan, with what else support changed, as a continued run restores it; of the later batches
   * only those not {@code started} yet.
   */
  SupportState carried(boolean paused, StuckFlag.State stuck, int started) {
    int dropped =
        Math.max(
            0, Math.min(started - initialBatchCount() - startedLaterBatches, laterBatches.size()));
    return new SupportState(
        List.copyOf(laterBatches.subList(dropped, laterBatches.size())),
        List.copyOf(additions),
        List.copyOf(toRelease),
        paused,
        cancelledAtBatch,
        stuck,
        startedLaterBatches + dropped);
  }
}
