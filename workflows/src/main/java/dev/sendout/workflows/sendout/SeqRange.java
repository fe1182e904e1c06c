package dev.sendout.workflows.sendout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The messages of a sendout whose sequence numbers lie in {@code [fromSeq, toSeq)}. */
public record SeqRange(int fromSeq, int toSeq) {

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
