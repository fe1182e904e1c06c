package dev.sendout.core.suppression;

import dev.sendout.core.channel.email.EmailAddress;
import dev.sendout.core.channel.sms.PhoneNumbers;
import dev.sendout.workflows.sendout.Channel;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An address or number in the one form the suppression list stores and compares, so that a bounce
 * for {@code Ana@Example.COM} suppresses a later message to {@code Ana@example.com}.
 *
 * <ul>
 *   <li>Email: checked by {@link EmailAddress} (which converts an internationalised domain to its
 *       ASCII form with IDNA), then lower-cased whole. A mail server may treat the case of the part
 *       before the {@code @} as significant, but next to none does, and the engine takes two such
 *       spellings for one recipient already (a duplicate): an unsubscribe from {@code
 *       Ana@example.com} must stop mail to {@code ana@example.com}.
 *   <li>SMS: E.164 with its {@code +}, the form SMS sendouts store, by the same {@link
 *       PhoneNumbers} that stores recipients' numbers: {@code +44 (0)7911 100040} is {@code
 *       +447911100040}, as its recipient is. A number libphonenumber does not know (a STOP from a
 *       range it does not list yet) is kept with its spaces, hyphens, dots and parentheses dropped:
 *       no recipient has it today, but a STOP is never lost.
 * </ul>
 *
 * <p>The release compares the list with each message's address in this same form, computed in SQL
 * by {@link SuppressionGate}: a message's email address is already in {@link EmailAddress}'s form,
 * so only its case differs.
 *
 * @param address in the normal form; the constructor refuses any other (of an SMS number, it checks
 *     the E.164 shape only: entries stored before numbers went through libphonenumber stay
 *     readable)
 */
public record SuppressionKey(Channel channel, String address) {

  /** E.164 with its +: a country code never starts with 0, and 15 digits at most. */
  private static final Pattern E164 = Pattern.compile("^\\+[1-9]\\d{7,14}$");

  private static final Pattern PHONE_SEPARATORS = Pattern.compile("[\\s\\-.()]");

  public SuppressionKey {
    if (channel == null
        || address == null
        || !(channel == Channel.SMS
            ? E164.matcher(address).matches()
            : address.equals(normalise(channel, address)))) {
      throw new IllegalArgumentException("Not a normalised address for " + channel);
    }
  }

  /** An address that cannot be suppressed: the reason, in words a caller can act on. */
  public static final class InvalidAddress extends IllegalArgumentException {
    InvalidAddress(String message) {
      super(message, null);
    }
  }

  /**
   * The key of an address as a caller gives it: an email address if it has an {@code @}, otherwise
   * a phone number.
   *
   * @throws InvalidAddress saying what is wrong with it
   */
  public static SuppressionKey of(String address) {
    if (address == null || address.isBlank()) {
      throw new InvalidAddress("is empty; give an email address or an E.164 phone number");
    }
    Channel channel = address.indexOf('@') >= 0 ? Channel.EMAIL : Channel.SMS;
    return new SuppressionKey(channel, normalise(channel, address.strip()));
  }

  /**
   * The key of an address for the given channel.
   *
   * @throws InvalidAddress saying what is wrong with it
   */
  public static SuppressionKey of(Channel channel, String address) {
    if (address == null || address.isBlank()) {
      throw new InvalidAddress("is empty");
    }
    return new SuppressionKey(channel, normalise(channel, address.strip()));
  }

  private static String normalise(Channel channel, String address) {
    return switch (channel) {
      case EMAIL -> email(address);
      case SMS -> phone(address);
    };
  }

  private static String email(String address) {
    EmailAddress.Checked checked = EmailAddress.check(address);
    if (!checked.valid()) {
      throw new InvalidAddress("is not a valid email address: it " + checked.problem());
    }
    return checked.ascii().toLowerCase(Locale.ROOT);
  }

  private static String phone(String number) {
    Optional<String> e164 = PhoneNumbers.e164(number);
    if (e164.isPresent()) {
      return e164.get();
    }
    String compact = PHONE_SEPARATORS.matcher(number).replaceAll("");
    if (!E164.matcher(compact).matches()) {
      throw new InvalidAddress(
          "is neither an email address nor a phone number in E.164 format such as +447911123456");
    }
    return compact;
  }
}
