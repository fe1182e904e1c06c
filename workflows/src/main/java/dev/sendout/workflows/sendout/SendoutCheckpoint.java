package dev.sendout.workflows.sendout;

import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.batch.StartBatch;
import dev.sendout.workflows.receipt.DeliveryTally;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * State carried across a continue-as-new: the sendout has been released, batches below {@code
 * nextBatch} have been started, and {@code tally} sums the send outcomes of those that reported
 * being sent.
 *
 * @param reported how many batches have reported being sent
 * @param settledBatches how many batches have settled; {@code settled} sums their receipts
 * @param unsettled the latest report of each batch that was sent but has not settled, by batch
 *     number; bounded by the sendout's batch count
 * @param support what support actions, additions and the watchdog changed
 * @param inline the only batch of a sendout that runs it itself rather than as a child, awaiting
 *     its receipts ({@link dev.sendout.workflows.batch.BatchRun#resumeWith}), in checkpoints
 *     written before {@code inlineBatches}; null when there is none
 * @param inlineBatches every batch the sendout runs itself and that awaits its receipts; null in
 *     checkpoints written before it
 * @param windowOpensAt for a sendout with a delivery window, when the window next opens for
 *     messages still waiting for it; null when none waits
 * @param reminders for a sendout with reminders or a closing date, where they stand; null
 *     otherwise, and in checkpoints written before reminders existed
 * @param releasedBefore true when a run before the watchdog restarted the sendout had released
 *     messages of it, so that it shows SENDING while its windows are closed; null otherwise, and in
 *     checkpoints written before it
 */
public record SendoutCheckpoint(
    int messageCount,
    int nextBatch,
    SendTally tally,
    int reported,
    int settledBatches,
    DeliveryTally settled,
    Map<Integer, BatchProgress> unsettled,
    SupportState support,
    StartBatch inline,
    Instant windowOpensAt,
    ReminderSchedule reminders,
    List<StartBatch> inlineBatches,
    Boolean releasedBefore) {

  SendoutCheckpoint(
      int messageCount,
      int nextBatch,
      SendTally tally,
      int reported,
      int settledBatches,
      DeliveryTally settled,
      Map<Integer, BatchProgress> unsettled,
      SupportState support) {
    this(
        messageCount,
        nextBatch,
        tally,
        reported,
        settledBatches,
        settled,
        unsettled,
        support,
        null,
        null,
        null,
        null,
        null);
  }

  public SendoutCheckpoint {
    Objects.requireNonNull(tally, "tally");
    Objects.requireNonNull(settled, "settled");
    Objects.requireNonNull(unsettled, "unsettled");
    Objects.requireNonNull(support, "support");
  }

  /**
   * A sendout that completed: its {@code messageCount} messages released, every batch sent and
   * settled. A run started from it has nothing to send until an Update or a signal brings new work:
   * support staff resending, after completion, the messages that failed, or recipients added as it
   * completed ({@code SendoutStarter}'s reopenings). Its tallies count only what that run sends;
   * the store holds the whole sendout's.
   */
  public static SendoutCheckpoint completed(int messageCount, int batchSize) {
    return completed(messageCount, messageCount, batchSize);
  }

  /**
   * As {@link #completed(int, int)}, for a sendout of {@code messageCount} messages of which only
   * the first {@code sent} went out in the runs before: the rest (added as the last run completed,
   * their hand-off still on the way) are an addition the new run releases and sends first thing.
   * Counted as sent they would be neither planned nor released; a hand-off that reaches the run
   * later finds them known.
   */
  public static SendoutCheckpoint completed(int sent, int messageCount, int batchSize) {
    int batches = BatchPlan.initialBatchCount(sent, batchSize);
    List<SeqRange> rest =
        sent < messageCount ? List.of(new SeqRange(sent, messageCount)) : List.of();
    return new SendoutCheckpoint(
        sent,
        batches,
        SendTally.NONE,
        batches,
        batches,
        DeliveryTally.NONE,
        Map.of(),
        new SupportState(List.of(), rest, rest, false, null, StuckFlag.State.NONE, 0));
  }

  /** The batches awaiting receipts that a continued run takes up, in whichever field they came. */
  List<StartBatch> awaitingInline() {
    List<StartBatch> awaiting = new ArrayList<>();
    if (inline != null) {
      awaiting.add(inline);
    }
    if (inlineBatches != null) {
      awaiting.addAll(inlineBatches);
    }
    return awaiting;
  }

  /**
   * This checkpoint with what the sendout workflow keeps beside its ledger: the batches it runs
   * inline, when its window next opens, and where its reminders stand.
   */
  SendoutCheckpoint carrying(
      List<StartBatch> inlineBatches,
      Instant windowOpensAt,
      ReminderSchedule reminders,
      boolean releasedBefore) {
    return new SendoutCheckpoint(
        messageCount,
        nextBatch,
        tally,
        reported,
        settledBatches,
        settled,
        unsettled,
        support,
        null,
        windowOpensAt,
        reminders,
        inlineBatches,
        releasedBefore ? true : null);
  }
}
