package dev.sendout.api.upload;

import java.io.IOException;
import java.io.Reader;

/**
 * The lines of an NDJSON upload, read a buffer at a time, none held longer than {@link #MAX_LINE}
 * characters: a gigabyte upload of one line would otherwise be read whole into one string and fill
 * the heap. A line past the bound is skipped to its end and reported ({@link LineTooLong}), so a
 * reader may refuse the upload or only that line. Lines end at {@code \n}, {@code \r\n} or {@code
 * \r}, as {@link java.io.BufferedReader#readLine} ends them.
 */
public final class NdjsonLines {

  /**
   * The longest line read: far past any recipient the rules accept (its variables are at most
   * 10,000 bytes) or any response, and a few megabytes of memory at most.
   */
  public static final int MAX_LINE = 1 << 20;

  private final Reader text;
  private final char[] buffer = new char[8192];
  private int position;
  private int limit;
  private int number;
  private boolean afterCarriageReturn;

  public NdjsonLines(Reader text) {
    this.text = text;
  }

  /** A line longer than {@link #MAX_LINE}, now read past. */
  public static final class LineTooLong extends Exception {
    LineTooLong(int number) {
      super("#line=" + number + " is longer than " + MAX_LINE + " characters", null, false, false);
    }

    /** What is wrong with the line, for a problem that points at it. */
    public String reason() {
      return "is longer than " + MAX_LINE + " characters";
    }
  }

  /**
   * The next line, without its end; null at the end of the text.
   *
   * @throws LineTooLong for a line past {@link #MAX_LINE}; the next call reads the line after it
   */
  public String next() throws IOException, LineTooLong {
    StringBuilder line = new StringBuilder();
    boolean tooLong = false;
    while (true) {
      if (position == limit && !fill()) {
        if (line.isEmpty() && !tooLong) {
          return null;
        }
        return end(line, tooLong);
      }
      if (afterCarriageReturn) {
        afterCarriageReturn = false;
        if (buffer[position] == '\n') {
          position++;
          continue;
        }
      }
      int start = position;
      while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
        position++;
      }
      tooLong |= line.length() + position - start > MAX_LINE;
      if (tooLong) {
        line.setLength(0);
      } else {
        line.append(buffer, start, position - start);
      }
      if (position < limit) {
        afterCarriageReturn = buffer[position++] == '\r';
        return end(line, tooLong);
      }
    }
  }

  /** The number of the line {@link #next} returned last (the first is 1). */
  public int number() {
    return number;
  }

  private String end(StringBuilder line, boolean tooLong) throws LineTooLong {
    number++;
    if (tooLong) {
      throw new LineTooLong(number);
    }
    return line.toString();
  }

  private boolean fill() throws IOException {
    int read = text.read(buffer, 0, buffer.length);
    position = 0;
    limit = Math.max(read, 0);
    return limit > 0;
  }
}
