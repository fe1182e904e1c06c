package dev.sendout.workflows.sendout;

import java.util.List;

/**
 * Messages handed to a running sendout, as ranges of sequence numbers: the payload of the {@code
 * recipientsAdded} signal. The API's addition relay sends every range stored since its last round;
 * a range the workflow knows already is ignored, so a repeated hand-off adds nothing.
 *
 * @param watchdog true when the watchdog hands over messages it found still QUEUED past their
 *     release deadline: ranges the workflow knows are then released and sent again (a message sent
 *     already is never claimed twice), so that what was queued behind its back is not left waiting
 */
public record AddedRanges(List<SeqRange> ranges, boolean watchdog) {}
