package dev.sendout.api.sendout;

import dev.sendout.api.problem.ApiProblem;

/**
 * What text every field must be to be stored in Postgres, written into an SMTP header or sent as an
 * SMS: valid Unicode (no lone surrogate, which UTF-8 cannot encode), no NUL (which a Postgres text
 * value cannot hold) and no other C0 or C1 control character. Line breaks and tabs belong in bodies
 * only: in anything that becomes a header a CR or LF would start a header of its own.
 *
 * <p>Checked once, at the edge, for every field a caller sends, so that nothing behind the API (the
 * store, a workflow's activity, a provider) meets text it cannot carry.
 */
public final class TextRules {

  /** Where a field's text ends up, which decides what it may hold. */
  public enum Kind {
    /** A header or a single line: a subject, a sender or recipient name, an audit actor. */
    LINE,
    /** A body: text, html, a note; tab, CR and LF are allowed. */
    BODY
  }

  private TextRules() {}

  /** Refuses, as a 400 naming {@code pointer}, a value that cannot be carried. */
  public static void require(String pointer, String value, Kind kind) {
    String problem = problem(value, kind);
    if (problem != null) {
      throw ApiProblem.invalid(pointer, problem);
    }
  }

  /** Why the value cannot be carried, or null when it can (a null value can). */
  public static String problem(String value, Kind kind) {
    if (value == null) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        return "is not valid Unicode: a lone surrogate at character " + i;
      }
      if (Character.isLowSurrogate(c)) {
        return "is not valid Unicode: a lone surrogate at character " + i;
      }
      if (c == '\r' || c == '\n') {
        if (kind == Kind.BODY) {
          continue;
        }
        return "must not contain a line break (CR or LF) at character " + i;
      }
      if ((c == '\u2028' || c == '\u2029') && kind == Kind.LINE) {
        // Unicode's own line and paragraph separators: a log line or a header read as two.
        return "must not contain a line break (U+%04X) at character %d".formatted((int) c, i);
      }
      if ((c == '\u202D' || c == '\u202E') && kind == Kind.LINE) {
        // A bidirectional override shows the rest of a log line or a header reversed ("by
        // \u202Eevil" reads "live"): text in any script reads right without one.
        return "must not contain a bidirectional override (U+%04X) at character %d"
            .formatted((int) c, i);
      }
      if (c == '\t' && kind == Kind.BODY) {
        continue;
      }
      if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
        return "must not contain the control character U+%04X at character %d"
            .formatted((int) c, i);
      }
    }
    return null;
  }
}
