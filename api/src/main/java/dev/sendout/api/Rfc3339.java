package dev.sendout.api;

import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A date-time with its offset as RFC 3339 writes it, leap second included: {@code
 * 2016-12-31T23:59:60Z} (RFC 3339's own example has one) is taken as the second before it, as
 * java.time's {@code ISO_INSTANT} takes it. {@link OffsetDateTime#parse} alone refuses it, so a
 * hostile sweep saw a valid {@code respondedAt} refused.
 */
public final class Rfc3339 {

  /** The seconds of a written date-time, when they are 60. */
  private static final Pattern LEAP_SECOND =
      Pattern.compile("(?<=^\\d{4}-\\d\\d-\\d\\d[Tt]\\d\\d:\\d\\d:)60(?=[.Zz+-])");

  private static final LocalTime LAST_SECOND_OF_THE_DAY = LocalTime.of(23, 59, 59);

  private Rfc3339() {}

  /**
   * The instant {@code value} names.
   *
   * @throws DateTimeParseException when it is not a date-time with an offset, or has a second 60
   *     that is not the last second of a UTC day
   */
  public static Instant instant(String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      var leap = LEAP_SECOND.matcher(value);
      if (!leap.find()) {
        throw e;
      }
      OffsetDateTime before = OffsetDateTime.parse(leap.replaceFirst("59"));
      if (!before
          .withOffsetSameInstant(ZoneOffset.UTC)
          .toLocalTime()
          .withNano(0)
          .equals(LAST_SECOND_OF_THE_DAY)) {
        throw e;
      }
      return before.toInstant();
    }
  }
}
