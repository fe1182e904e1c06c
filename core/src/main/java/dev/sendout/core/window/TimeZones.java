package dev.sendout.core.window;

import dev.sendout.core.channel.sms.PhoneNumbers;
import dev.sendout.workflows.sendout.Channel;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/** IANA time zones as the API takes them, and the zone a recipient's window is applied in. */
public final class TimeZones {

  private TimeZones() {}

  /**
   * The zone named by an IANA region id such as {@code Europe/Berlin} (or {@code UTC}); empty for
   * anything else, offsets such as {@code +02:00} included: an offset knows no DST, so a window
   * applied in it would drift by an hour for half the year. Java's {@code SystemV/} ids are not
   * IANA's (tzdata dropped them in 2020b) and are refused as {@code EST} is.
   */
  public static Optional<ZoneId> iana(String id) {
    if (id == null || id.isBlank() || id.length() > 64 || id.startsWith("SystemV/")) {
      return Optional.empty();
    }
    if (!ZoneId.getAvailableZoneIds().contains(id)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZoneId.of(id));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The zone a recipient's window is applied in: the recipient's own {@code timeZone}; else, for
   * SMS, the one zone libphonenumber maps the number to, when it maps it to exactly one; else the
   * sendout's {@code timeZone}; else UTC. Each given zone must have passed {@link #iana}.
   */
  public static String resolve(
      Channel channel, String address, String recipientZone, String sendoutZone) {
    if (recipientZone != null) {
      return recipientZone;
    }
    if (channel == Channel.SMS) {
      Optional<ZoneId> byNumber = PhoneNumbers.zoneOf(address);
      if (byNumber.isPresent()) {
        return byNumber.get().getId();
      }
    }
    return sendoutZone != null ? sendoutZone : "UTC";
  }

  /** A stored zone id as a zone; UTC for messages stored before zones were. */
  public static ZoneId stored(String id) {
    return id == null ? ZoneOffset.UTC : ZoneId.of(id);
  }
}
