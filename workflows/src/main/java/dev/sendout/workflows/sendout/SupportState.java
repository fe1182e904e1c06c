package dev.sendout.workflows.sendout;

import dev.sendout.workflows.batch.SendBatch;
import java.util.List;

/**
 * What support actions, additions and the watchdog changed in a sendout, carried across a
 * continue-as-new.
 *
 * @param laterBatches batches beyond those the first release made: for added recipients and for
 *     resends, in batch-number order; from {@code startedLaterBatches} on, since those before it
 *     were started and are not needed any more
 * @param additions the ranges of added messages accepted so far, to recognise a repeated addition
 *     (merged where they meet, in checkpoints written since {@code startedLaterBatches})
 * @param toRelease added ranges accepted but not released yet
 * @param cancelledAtBatch once cancelled, the number of batches that had been started; no more are
 * @param startedLaterBatches how many later batches, every one started, {@code laterBatches} leaves
 *     out at its head; 0 in checkpoints written before. A sendout adding recipients all day plans a
 *     batch a round, and carrying all of them would outgrow the continue-as-new's payload
 */
public record SupportState(
    List<SendBatch> laterBatches,
    List<SeqRange> additions,
    List<SeqRange> toRelease,
    boolean paused,
    Integer cancelledAtBatch,
    StuckFlag.State stuck,
    int startedLaterBatches) {}
