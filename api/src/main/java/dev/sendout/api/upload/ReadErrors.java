package dev.sendout.api.upload;

import dev.sendout.api.problem.ApiExceptionHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DatabindException;

/**
 * Why a line or row of an upload could not be read, in words for the caller: Jackson's own messages
 * for binding errors name this engine's classes and its settings, which say nothing to a caller and
 * are not theirs to know.
 */
public final class ReadErrors {

  /** Jackson's words for a CSV row longer than its header. */
  private static final Pattern TOO_MANY =
      Pattern.compile("Too many entries: expected at most (\\d+)");

  private ReadErrors() {}

  /**
   * The failure to read the body that a CSV parser wraps as its own, such as a body over the upload
   * limit: that is no fault of the CSV, and is answered as what it is.
   */
  public static Optional<UncheckedIOException> unreadable(JacksonException e) {
    return e.getCause() instanceof IOException io
        ? Optional.of(new UncheckedIOException(io))
        : Optional.empty();
  }

  /**
   * The reason, such as "must be a string at /email" or "unknown field at /emial"; never a class
   * name.
   */
  public static String reason(JacksonException e) {
    if (e instanceof StreamConstraintsException) {
      return "holds a value past the parser's limits (too long, too large or nested too deep)";
    }
    if (e instanceof DatabindException bind) {
      return bind.getPath().isEmpty()
          ? "unexpected value"
          : ApiExceptionHandler.problem(bind)
              + " at "
              + ApiExceptionHandler.pointer(bind.getPath());
    }
    String message =
        e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
    String twice = ApiExceptionHandler.fieldGivenTwice(message);
    if (twice != null) {
      return "the field \"%s\" is given twice".formatted(twice);
    }
    var tooMany = TOO_MANY.matcher(message);
    if (tooMany.lookingAt()) {
      return "more values than the header row's %s columns".formatted(tooMany.group(1));
    }
    // A hint at a parser setting, as in "Non-standard token 'NaN': enable `JsonReadFeature...`",
    // or where the parser started, as in "...for Object (start marker at [Source: REDACTED ...".
    int setting =
        Math.max(
            Math.max(message.indexOf("[Source:"), message.indexOf("consider enabling")),
            Math.max(message.indexOf("enable `"), message.indexOf("disable `")));
    if (setting >= 0) {
      int cut = Math.max(message.lastIndexOf(':', setting), message.lastIndexOf('(', setting));
      message = message.substring(0, Math.max(cut, 0)).strip();
    }
    if (message.isEmpty()) {
      return "unreadable";
    }
    return e.getLocation() != null && e.getLocation().getColumnNr() > 0
        ? message + ", at column " + e.getLocation().getColumnNr()
        : message;
  }
}
