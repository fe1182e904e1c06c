package dev.sendout.workflows.batch;

/** One chunk of a sendout: the messages whose sequence number lies in {@code [fromSeq, toSeq)}. */
public record SendBatch(String sendoutId, int batchNo, int fromSeq, int toSeq) {}
