package dev.sendout.workflows.sendout;

/**
 * State carried across a continue-as-new: the sendout has been released, batches below {@code
 * nextBatch} are done, and {@code tally} sums their outcomes.
 */
public record SendoutCheckpoint(int messageCount, int nextBatch, SendTally tally) {}
