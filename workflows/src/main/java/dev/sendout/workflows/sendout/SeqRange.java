package dev.sendout.workflows.sendout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The messages of a sendout whose sequence numbers lie in {@code [fromSeq, toSeq)}. */
public record SeqRange(int fromSeq, int toSeq) {

  /**
   * More messages than one range of a sendout holds: ten times the million-recipient sendout and
   * the tenants' default budget of a million recipients a minute. A range past it (a signal sent by
   * hand from the Temporal UI or CLI) planned two billion phantom messages and wedged its sendout.
   * So a sendout of more than ten million messages is not one this engine takes: the watchdog's
   * hand-over of a longer run of QUEUED messages would be ignored.
   */
  static final int MAX_SIZE = 10_000_000;

  /**
   * Whether the range can be one of a sendout's: from 0 on, not empty, not past {@link #MAX_SIZE}.
   */
  public boolean fitsASendout() {
    return fromSeq >= 0 && toSeq > fromSeq && size() <= MAX_SIZE;
  }

  public int size() {
    return toSeq - fromSeq;
  }

  public boolean overlaps(SeqRange other) {
    return fromSeq < other.toSeq && other.fromSeq < toSeq;
  }

  /** The ranges in order, those that meet or overlap joined; empty ones dropped. */
  public static List<SeqRange> merged(List<SeqRange> ranges) {
    List<SeqRange> merged = new ArrayList<>();
    ranges.stream()
        .filter(range -> range.size() > 0)
        .sorted(Comparator.comparingInt(SeqRange::fromSeq))
        .forEach(
            range -> {
              int last = merged.size() - 1;
              if (last >= 0 && merged.get(last).toSeq() >= range.fromSeq()) {
                SeqRange joined = merged.get(last);
                merged.set(
                    last, new SeqRange(joined.fromSeq(), Math.max(joined.toSeq(), range.toSeq())));
              } else {
                merged.add(range);
              }
            });
    return merged;
  }
}
