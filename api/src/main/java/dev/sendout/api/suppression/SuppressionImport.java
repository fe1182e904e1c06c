package dev.sendout.api.suppression;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.upload.CsvRows;
import dev.sendout.api.upload.ReadErrors;
import dev.sendout.api.upload.StrictText;
import dev.sendout.core.suppression.SuppressionKey;
import dev.sendout.core.suppression.SuppressionReason;
import dev.sendout.core.suppression.SuppressionStore;
import dev.sendout.core.suppression.SuppressionStore.NewEntry;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MappingIterator;

/**
 * A CSV import into a tenant's suppression list: a header row naming {@code address} and optionally
 * {@code reason}, then one address or number per row. Read as a stream and stored a thousand rows
 * at a time, so any size fits in bounded memory. Unlike a recipient upload, a bad row does not
 * refuse the file: the list only ever grows by an import and adding is idempotent, so the good rows
 * are stored and each bad one is reported with its line, and the caller can send a corrected file
 * again.
 */
final class SuppressionImport {

  /** Rows checked and stored together. */
  static final int CHUNK = 1000;

  /** How many refused rows the answer names; the count covers them all. */
  static final int MAX_ERRORS = 100;

  private static final Set<String> COLUMNS = Set.of("address", "reason");

  private final SuppressionStore store;
  private final String tenantId;
  private final String source;

  private int rows;
  private int added;
  private int invalid;
  private final List<FieldProblem> errors = new ArrayList<>();

  SuppressionImport(SuppressionStore store, String tenantId, String source) {
    this.store = store;
    this.tenantId = tenantId;
    this.source = source;
  }

  ImportResult read(InputStream body, Charset charset) {
    MappingIterator<Map<String, String>> csv = open(new StrictText(body, charset));
    List<NewEntry> chunk = new ArrayList<>(CHUNK);
    boolean complete = true;
    while (true) {
      int line;
      Map<String, String> row;
      try {
        if (!csv.hasNextValue()) {
          break;
        }
        line = csv.currentLocation().getLineNr();
        row = csv.nextValue();
      } catch (JacksonException e) {
        ReadErrors.unreadable(e)
            .ifPresent(
                io -> {
                  throw io;
                });
        rows++;
        refuse("#line=" + CsvRows.lineOf(e, csv), "not valid CSV: " + ReadErrors.reason(e));
        complete = false;
        break;
      } catch (StrictText.NotText e) {
        // As a row that is not CSV: the rows before it are stored, and the import stops there.
        rows++;
        refuse("#line=" + e.line(), e.reason());
        complete = false;
        break;
      }
      rows++;
      NewEntry entry = entry(line, row);
      if (entry != null) {
        chunk.add(entry);
      }
      if (chunk.size() == CHUNK) {
        store(chunk);
      }
    }
    store(chunk);
    if (rows == 0) {
      throw ApiProblem.invalid("#line=2", "the import holds no rows");
    }
    int valid = rows - invalid;
    return new ImportResult(rows, added, valid - added, invalid, List.copyOf(errors), complete);
  }

  private MappingIterator<Map<String, String>> open(Reader reader) {
    CsvRows.Rows csv = CsvRows.open(reader);
    Set<String> header = csv.header();
    if (!header.contains("address")) {
      throw ApiProblem.invalid(
          "#line=1", "the header row must name an address column, and may name reason");
    }
    for (String column : header) {
      if (!COLUMNS.contains(column)) {
        throw ApiProblem.invalid(
            "#line=1",
            "unknown column \"%s\"; the columns are address and reason".formatted(column));
      }
    }
    return csv.rows();
  }

  /** The row's entry, or null when it is refused (and noted). */
  private NewEntry entry(int line, Map<String, String> row) {
    SuppressionKey key;
    try {
      key = SuppressionKey.of(row.get("address"));
    } catch (SuppressionKey.InvalidAddress e) {
      refuse("#line=" + line + "/address", e.getMessage());
      return null;
    }
    String reason = row.get("reason");
    if (reason == null || reason.isBlank()) {
      return new NewEntry(key, SuppressionReason.MANUAL, source);
    }
    SuppressionReason known;
    try {
      known = SuppressionReason.valueOf(reason.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      refuse(
          "#line=" + line + "/reason",
          "unknown reason; one of " + Arrays.toString(SuppressionReason.values()));
      return null;
    }
    if (!known.fits(key.channel())) {
      refuse("#line=" + line + "/reason", known.misfit(key.channel()));
      return null;
    }
    return new NewEntry(key, known, source);
  }

  private void refuse(String pointer, String detail) {
    invalid++;
    if (errors.size() < MAX_ERRORS) {
      errors.add(new FieldProblem(pointer, detail));
    }
  }

  private void store(List<NewEntry> chunk) {
    if (!chunk.isEmpty()) {
      added += store.addAll(tenantId, chunk);
      chunk.clear();
    }
  }
}
