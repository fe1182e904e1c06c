package dev.sendout.api.upload;

import dev.sendout.api.problem.ApiProblem;
import java.io.Reader;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
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

  /** The rows of {@code body}; the header is read with the first. */
  public static MappingIterator<Map<String, String>> of(Reader body) {
    return CSV.readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader())
        .readValues(body);
  }

  /**
   * The header row's names, in order, once a row has been looked for; a 400 naming line 1 for a
   * name given twice, whose column would otherwise hide the other's values.
   */
  public static Set<String> header(MappingIterator<Map<String, String>> rows) {
    Set<String> names = new LinkedHashSet<>();
    Set<String> twice = new HashSet<>();
    if (rows.parserSchema() instanceof CsvSchema schema) {
      schema.forEach(
          column -> {
            if (!names.add(column.getName())) {
              twice.add(column.getName());
            }
          });
    }
    if (!twice.isEmpty()) {
      throw ApiProblem.invalid(
          "#line=1", "the header row names %s more than once".formatted(twice));
    }
    return names;
  }
}
