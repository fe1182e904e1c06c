package dev.sendout.core.sendout;

import dev.sendout.workflows.sendout.SeqRange;
import java.util.ArrayList;
import java.util.List;

/** Sequence numbers as the ranges batches are planned over (resends, windowed releases). */
public final class SeqRanges {

  private SeqRanges() {}

  /**
   * Sequence numbers grouped by the multiple of {@code size} they fall in, each group as the range
   * from its first to its last: a range spans fewer than {@code size} sequence numbers, so an SMS
   * resend batch makes at most that many calls and an email one sends at most a batch.
   */
  public static List<SeqRange> grouped(List<Integer> sortedSeqs, int size) {
    List<SeqRange> ranges = new ArrayList<>();
    int first = -1;
    int last = -1;
    for (int seq : sortedSeqs) {
      if (first >= 0 && seq / size != first / size) {
        ranges.add(new SeqRange(first, last + 1));
        first = -1;
      }
      if (first < 0) {
        first = seq;
      }
      last = seq;
    }
    if (first >= 0) {
      ranges.add(new SeqRange(first, last + 1));
    }
    return ranges;
  }
}
