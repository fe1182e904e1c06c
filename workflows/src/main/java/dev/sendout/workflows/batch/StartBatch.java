package dev.sendout.workflows.batch;

/** Input of {@link BatchWorkflow}: the chunk, and the channel's activity task queue. */
public record StartBatch(SendBatch batch, String deliveryTaskQueue) {}
