package dev.sendout.api.upload;

import dev.sendout.api.problem.ApiProblem;
import java.io.Reader;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.csv.CsvFactory;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * The rows of a CSV upload, by the names of its header row, as every CSV upload reads them: a value
 * longer than {@link NdjsonLines#MAX_LINE} characters is refused as the line that holds it, rather
 * than held (the parser's own limit is a hundred million, and ten such values at once ran the heap
 * out), and blank lines are skipped, as in NDJSON (a spreadsheet's export may end with one).
 */
public final class CsvRows {

  private static final CsvMapper CSV =
      CsvMapper.builder(
              CsvFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxStringLength(NdjsonLines.MAX_LINE).build())
                  .build())
          .enable(CsvReadFeature.SKIP_EMPTY_LINES)
          .build();

  private CsvRows() {}

  /** The rows of a CSV upload, and the names its header row gives, in order. */
  public record Rows(MappingIterator<Map<String, String>> rows, Set<String> header) {}

  /**
   * Reads the header row of {@code body} (and, with it, looks for the first row); a 400 naming the
   * line that cannot be read, or a header row that names a column twice, whose values one would
   * hide, or leaves one without a name before a named one (a stray comma), whose values nothing
   * could refer to. Columns without a name at the end are not in {@link Rows#header}.
   */
  public static Rows open(Reader body) {
    MappingIterator<Map<String, String>> rows = null;
    try {
      rows =
          CSV.readerForMapOf(String.class)
              .with(CsvSchema.emptySchema().withHeader())
              .readValues(body);
      rows.hasNextValue();
    } catch (JacksonException e) {
      throw unreadable(e, rows);
    }
    return new Rows(rows, header(rows));
  }

  /**
   * Why the header or a row could not be read, such as an unclosed quote or more columns than the
   * header: a problem naming its line (the header is line 1), or the failure to read the body
   * itself.
   */
  public static RuntimeException unreadable(
      JacksonException e, MappingIterator<Map<String, String>> rows) {
    var body = ReadErrors.unreadable(e);
    if (body.isPresent()) {
      return body.get();
    }
    boolean headerRead =
        rows != null && rows.parserSchema() instanceof CsvSchema schema && schema.size() > 0;
    return headerRead
        ? ApiProblem.invalid("#line=" + lineOf(e, rows), "not valid CSV: " + ReadErrors.reason(e))
        : ApiProblem.invalid("#line=1", "not a CSV header row: " + ReadErrors.reason(e));
  }

  /** The line a read failed on: where the parser says, or else where it stands. */
  public static int lineOf(JacksonException e, MappingIterator<?> rows) {
    return e.getLocation() == null
        ? rows.currentLocation().getLineNr()
        : e.getLocation().getLineNr();
  }

  private static Set<String> header(MappingIterator<Map<String, String>> rows) {
    Set<String> names = new LinkedHashSet<>();
    Set<String> twice = new HashSet<>();
    if (rows.parserSchema() instanceof CsvSchema schema) {
      int unnamed = -1;
      for (int i = 0; i < schema.size(); i++) {
        String name = schema.columnName(i);
        if (name.isBlank()) {
          // Empty columns at the end, as a spreadsheet exports them, are none; a row's value in
          // one is its reader's to refuse.
          unnamed = unnamed < 0 ? i : unnamed;
          continue;
        }
        if (unnamed >= 0) {
          throw ApiProblem.invalid(
              "#line=1",
              "the header row's column %d has no name, and column %d after it has: a value in it would be stored under a name no template can use"
                  .formatted(unnamed + 1, i + 1));
        }
        if (!names.add(name)) {
          twice.add(name);
        }
      }
    }
    if (!twice.isEmpty()) {
      throw ApiProblem.invalid(
          "#line=1", "the header row names %s more than once".formatted(twice));
    }
    return names;
  }
}
