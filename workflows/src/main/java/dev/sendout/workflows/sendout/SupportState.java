package dev.sendout.workflows.sendout;

import dev.sendout.workflows.batch.SendBatch;
import java.util.List;

/**
 * What support actions, additions and the watchdog changed in a sendout, carried across a
 * continue-as-new.
 *
 * @param laterBatches batches beyond those the first release made: for added recipients and for
 *     resends, in batch-number order
 * @param additions the ranges of added messages accepted so far, to recognise a repeated addition
 * @param toRelease added ranges accepted but not released yet
 * @param cancelledAtBatch once cancelled, the number of batches that had been started; no more are
 */
public record SupportState(
    List<SendBatch> laterBatches,
    List<SeqRange> additions,
    List<SeqRange> toRelease,
    boolean paused,
    Integer cancelledAtBatch,
    StuckFlag.State stuck) {}
