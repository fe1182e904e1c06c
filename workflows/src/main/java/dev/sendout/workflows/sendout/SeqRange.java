package dev.sendout.workflows.sendout;

/** The messages of a sendout whose sequence numbers lie in {@code [fromSeq, toSeq)}. */
public record SeqRange(int fromSeq, int toSeq) {

  public int size() {
    return toSeq - fromSeq;
  }

  public boolean overlaps(SeqRange other) {
    return fromSeq < other.toSeq && other.fromSeq < toSeq;
  }
}
