package dev.sendout.core.channel.sms;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Phone numbers as Google's libphonenumber knows them: whether a number is one that can be dialled
 * (its country's numbering plan, not only its length), its E.164 form, and the time zone of its
 * region when that is a single one.
 */
public final class PhoneNumbers {

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  /**
   * What a number may be written with: a leading +, digits, and the spaces, dots, hyphens and
   * parentheses people group digits with. libphonenumber alone would also read letters (vanity
   * numbers such as 1-800-FLOWERS) and extensions, which an SMS cannot be sent to.
   */
  private static final Pattern WRITTEN = Pattern.compile("^\\+[0-9 .()\\-]{1,30}$");

  /**
   * E.164's own bound: at most 15 digits, country code included. libphonenumber holds some longer
   * numbers valid (German fixed lines up to 14 national digits after a two-digit country code),
   * which no SMS provider routes.
   */
  private static final int MAX_E164_DIGITS = 15;

  private PhoneNumbers() {}

  /**
   * The number in E.164 form ({@code +447911123456}) when it is written in international form (with
   * its +), is valid in its country's numbering plan and has at most 15 digits; empty otherwise. A
   * national number is refused rather than guessed: the engine does not know which country the
   * caller meant.
   */
  public static Optional<String> e164(String written) {
    return parsed(written).map(number -> UTIL.format(number, PhoneNumberFormat.E164));
  }

  /**
   * The one time zone of the number's region, when libphonenumber maps the number to exactly one (a
   * UK number: Europe/London); empty when it maps it to several (most US and Canadian area codes
   * are one zone, yet a country code alone is many) or to none.
   */
  public static Optional<ZoneId> zoneOf(String e164) {
    Optional<PhoneNumber> number = parsed(e164);
    if (number.isEmpty()) {
      return Optional.empty();
    }
    List<String> zones =
        PhoneNumberToTimeZonesMapper.getInstance().getTimeZonesForNumber(number.get());
    if (zones.size() != 1
        || PhoneNumberToTimeZonesMapper.getUnknownTimeZone().equals(zones.get(0))) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZoneId.of(zones.get(0)));
    } catch (DateTimeException e) {
      // A zone id the JDK's time zone data does not know is no zone to apply a window in.
      return Optional.empty();
    }
  }

  private static Optional<PhoneNumber> parsed(String written) {
    if (written == null || !WRITTEN.matcher(written).matches()) {
      return Optional.empty();
    }
    try {
      PhoneNumber number = UTIL.parse(written, "ZZ");
      boolean fitsE164 =
          UTIL.format(number, PhoneNumberFormat.E164).length() - 1 <= MAX_E164_DIGITS;
      return fitsE164 && UTIL.isValidNumber(number) ? Optional.of(number) : Optional.empty();
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }
}
