package dev.sendout.api;

import dev.sendout.api.problem.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The cursors of the API's paginated listings: opaque to callers, each the listing's kind (such as
 * {@code "seq:"}) and the place of the last item listed, in base64url.
 */
public final class Cursors {

  private Cursors() {}

  /** The cursor of {@code place} in a listing of {@code kind}. */
  public static String of(String kind, Object place) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((kind + place).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The place a cursor of {@code kind} names, read by {@code read}; {@code none} when there is no
   * cursor (absent or empty). Any other text, and a place that {@code read} refuses (throws, or
   * answers null), is a 400 naming {@code cursor}: a cursor this API did not issue.
   */
  public static <T> T place(String cursor, String kind, T none, Function<String, T> read) {
    if (cursor == null || cursor.isEmpty()) {
      return none;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (decoded.startsWith(kind)) {
        T place = read.apply(decoded.substring(kind.length()));
        if (place != null) {
          return place;
        }
      }
    } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
      // Falls through to the problem below: a cursor we did not issue.
    }
    throw ApiProblem.invalid("cursor", "not a cursor this API issued");
  }

  /**
   * The cursor of a listing ordered by creation time, then id: the time in microseconds (Postgres's
   * precision) and the id of the last item listed.
   */
  public static String ofTimeAndId(String kind, Instant createdAt, Object id) {
    return of(kind, ChronoUnit.MICROS.between(Instant.EPOCH, createdAt) + ":" + id);
  }

  /**
   * The place a cursor of {@link #ofTimeAndId} names, read by {@code read} from its time and its
   * id's text; null when there is no cursor. As {@link #place}, a cursor that {@code read} refuses
   * (throws, or answers null) is a 400.
   */
  public static <T> T placeOfTimeAndId(
      String cursor, String kind, BiFunction<Instant, String, T> read) {
    return place(
        cursor,
        kind,
        null,
        place -> {
          String[] parts = place.split(":", 2);
          return parts.length == 2
              ? read.apply(
                  Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS), parts[1])
              : null;
        });
  }
}
