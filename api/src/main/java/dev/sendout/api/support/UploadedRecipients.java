package dev.sendout.api.support;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.upload.CsvRows;
import dev.sendout.api.upload.NdjsonLines;
import dev.sendout.api.upload.ReadErrors;
import dev.sendout.api.upload.StrictText;
import dev.sendout.core.content.Sha256;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.support.RecipientAdditions.RecipientSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;

/**
 * An upload of recipients, read a chunk at a time: NDJSON (one recipient object per line, as in a
 * JSON request) or CSV (a header row naming {@code email} or {@code phone}, optionally {@code name}
 * and {@code externalId} and {@code timeZone}, and a column per variable). Each chunk is checked as
 * a request's recipients are; a problem names its line as {@code #line=N} (the header is line 1 of
 * a CSV). The fingerprint is the SHA-256 of the bytes as uploaded.
 */
final class UploadedRecipients implements RecipientSource {

  /** Uploaded formats, by their media type. */
  enum Format {
    NDJSON,
    CSV
  }

  /**
   * Lines checked and stored together: a few hundred kilobytes of memory at most. The store's COPY
   * chunk is as large ({@code RecipientAdditions}), and finds an address repeated across chunks
   * only among those it has copied: repeats within one chunk are this check's to find.
   */
  static final int CHUNK = 1000;

  private static final Pattern RECIPIENT_POINTER = Pattern.compile("^/recipients/(\\d+)(.*)$");

  /**
   * The earlier recipient of the chunk that a duplicate's detail names, as in "duplicate of
   * /recipients/0/email"; only at its start, not in the caller's value it may quote after.
   */
  private static final Pattern NAMED_RECIPIENT =
      Pattern.compile("^(duplicate of )/recipients/(\\d+)(?=/)");

  private final DigestInputStream body;
  private final Iterator<Line> lines;
  private final Function<List<Recipient>, List<NewSendout.Recipient>> check;
  private int read;
  private List<Integer> lastChunkLines = List.of();

  /**
   * @param check validates a chunk (throwing its problems) and converts it for the store
   */
  UploadedRecipients(
      InputStream body,
      Format format,
      Function<List<Recipient>, List<NewSendout.Recipient>> check,
      ObjectMapper json) {
    this(body, format, StandardCharsets.UTF_8, check, json);
  }

  /**
   * @param charset the charset the upload declared, UTF-8 when it declared none
   * @param check validates a chunk (throwing its problems) and converts it for the store
   */
  UploadedRecipients(
      InputStream body,
      Format format,
      Charset charset,
      Function<List<Recipient>, List<NewSendout.Recipient>> check,
      ObjectMapper json) {
    this.body = new DigestInputStream(body, Sha256.newDigest());
    this.check = check;
    Reader text = new StrictText(this.body, charset);
    this.lines =
        switch (format) {
          case NDJSON -> ndjson(new NdjsonLines(text), json);
          case CSV -> csv(text);
        };
  }

  /** One recipient and the line it came from. */
  private record Line(int number, Recipient recipient) {}

  @Override
  public List<NewSendout.Recipient> next() {
    List<Recipient> chunk = new ArrayList<>(CHUNK);
    List<Integer> numbers = new ArrayList<>(CHUNK);
    while (chunk.size() < CHUNK && lines.hasNext()) {
      Line line = lines.next();
      chunk.add(line.recipient());
      numbers.add(line.number());
    }
    if (chunk.isEmpty()) {
      if (read == 0) {
        throw ApiProblem.invalid("#line=1", "the upload holds no recipients");
      }
      return List.of();
    }
    lastChunkLines = numbers;
    read += chunk.size();
    try {
      return check.apply(chunk);
    } catch (ApiProblem problem) {
      if (problem.errors().isEmpty()) {
        throw problem;
      }
      throw ApiProblem.invalid(problem.errors().stream().map(e -> onLine(e, numbers)).toList());
    }
  }

  /** The line each recipient of the chunk read last came from, in order. */
  List<Integer> lastChunkLines() {
    return lastChunkLines;
  }

  @Override
  public String requestHash() {
    return Sha256.hex(body.getMessageDigest());
  }

  /**
   * A problem of the chunk's i-th recipient, pointed at its line of the upload; a recipient its
   * detail names (the first of a duplicate) is named by its line too.
   */
  private static FieldProblem onLine(FieldProblem problem, List<Integer> numbers) {
    Matcher m = RECIPIENT_POINTER.matcher(problem.pointer());
    if (!m.matches()) {
      return problem;
    }
    int line = numbers.get(Integer.parseInt(m.group(1)));
    String detail =
        NAMED_RECIPIENT
            .matcher(problem.detail())
            .replaceFirst(
                named -> named.group(1) + "#line=" + numbers.get(Integer.parseInt(named.group(2))));
    return new FieldProblem("#line=" + line + m.group(2), detail);
  }

  private static Iterator<Line> ndjson(NdjsonLines lines, ObjectMapper json) {
    return new Iterator<>() {
      private Line next = advance();

      private Line advance() {
        try {
          for (String text = lines.next(); text != null; text = lines.next()) {
            if (!text.isBlank()) {
              return new Line(lines.number(), parse(text));
            }
          }
          return null;
        } catch (NdjsonLines.LineTooLong tooLong) {
          throw ApiProblem.invalid("#line=" + lines.number(), tooLong.reason());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      private Recipient parse(String text) {
        try {
          return json.readValue(text, Recipient.class);
        } catch (JacksonException e) {
          throw ApiProblem.invalid(
              "#line=" + lines.number(), "not a recipient object: " + ReadErrors.reason(e));
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Line next() {
        Line line = next;
        next = advance();
        return line;
      }
    };
  }

  /** The recipient's own columns; every other column is a variable. */
  private static final List<String> RECIPIENT_COLUMNS =
      List.of("email", "phone", "name", "externalId", "timeZone");

  private static Iterator<Line> csv(Reader body) {
    CsvRows.Rows opened = CsvRows.open(body);
    refuseNearMisses(opened.header());
    MappingIterator<Map<String, String>> rows = opened.rows();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return rows.hasNextValue();
        } catch (JacksonException e) {
          throw CsvRows.unreadable(e, rows);
        }
      }

      @Override
      public Line next() {
        // Where the parser stands once hasNextValue() found the row: its first line.
        int number = rows.currentLocation().getLineNr();
        Map<String, String> row;
        try {
          row = new HashMap<>(rows.nextValue());
        } catch (JacksonException e) {
          throw CsvRows.unreadable(e, rows);
        }
        String email = blankToNull(row.remove("email"));
        String phone = blankToNull(row.remove("phone"));
        String name = blankToNull(row.remove("name"));
        String externalId = blankToNull(row.remove("externalId"));
        String timeZone = blankToNull(row.remove("timeZone"));
        row.values().removeIf(String::isEmpty);
        if (row.keySet().stream().anyMatch(String::isBlank)) {
          throw ApiProblem.invalid(
              "#line=" + number,
              "a value in a column the header row leaves without a name: name the column, or"
                  + " leave it empty");
        }
        return new Line(
            number,
            new Recipient(email, phone, name, row.isEmpty() ? null : row, externalId, timeZone));
      }
    };
  }

  /**
   * A column that names a recipient's column in another spelling ({@code timezone}, {@code Email},
   * {@code external_id}) is a 400: it was taken for a variable, so that its recipients were stored
   * without their time zone (or without an address at all), and nothing said so.
   */
  private static void refuseNearMisses(Set<String> header) {
    for (String column : header) {
      String plain = column.replaceAll("[\\s_-]", "");
      for (String own : RECIPIENT_COLUMNS) {
        if (!column.equals(own) && plain.equalsIgnoreCase(own)) {
          throw ApiProblem.invalid(
              "#line=1",
              "the column \"%s\" would be a variable: the recipient's own is \"%s\" (columns %s; any other is a variable)"
                  .formatted(column, own, RECIPIENT_COLUMNS));
        }
      }
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
