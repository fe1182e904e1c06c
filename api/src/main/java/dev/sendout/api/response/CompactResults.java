package dev.sendout.api.response;

import dev.sendout.api.response.ResponsesAnswer.Outcome;
import dev.sendout.api.response.ResponsesAnswer.Result;
import dev.sendout.api.response.ResponsesAnswer.ResultError;
import dev.sendout.api.response.ResponsesAnswer.Totals;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of an NDJSON import, five bytes a line (its number and its outcome), so that an
 * import of millions of lines is answered without holding millions of objects: {@link #asList}
 * makes each result only as the answer is written.
 */
final class CompactResults {

  private static final Outcome[] OUTCOMES = Outcome.values();

  private int[] lines = new int[1024];
  private byte[] outcomes = new byte[1024];
  private final Map<Integer, List<ResultError>> errors = new HashMap<>();
  private final long[] counts = new long[OUTCOMES.length];
  private int size;

  /** A response read from this line, UNKNOWN until recorded; returns its position. */
  int add(int line) {
    if (size == lines.length) {
      lines = Arrays.copyOf(lines, size * 2);
      outcomes = Arrays.copyOf(outcomes, size * 2);
    }
    lines[size] = line;
    outcomes[size] = (byte) Outcome.UNKNOWN.ordinal();
    counts[Outcome.UNKNOWN.ordinal()]++;
    return size++;
  }

  void set(int position, Outcome outcome) {
    counts[outcomes[position]]--;
    outcomes[position] = (byte) outcome.ordinal();
    counts[outcome.ordinal()]++;
  }

  /**
   * An invalid response; its reasons are kept for the first {@link
   * ResponseService#MAX_NDJSON_ERRORS} such lines.
   */
  void invalid(int position, List<ResultError> reasons) {
    set(position, Outcome.INVALID);
    if (errors.size() < ResponseService.MAX_NDJSON_ERRORS) {
      errors.put(position, List.copyOf(reasons));
    }
  }

  int size() {
    return size;
  }

  Totals totals() {
    return ResponseService.totals(size, counts);
  }

  List<Result> asList() {
    return new AbstractList<>() {
      @Override
      public Result get(int i) {
        return new Result(
            lines[i], OUTCOMES[outcomes[i]], null, null, errors.getOrDefault(i, List.of()));
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
