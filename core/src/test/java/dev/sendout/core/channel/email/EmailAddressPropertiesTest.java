package dev.sendout.core.channel.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.HostileText;
import java.net.IDN;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The address rule over generated input: whatever comes in, it answers with a reason or with an
 * address every later step can carry, and what it accepts it accepts again unchanged.
 */
class EmailAddressPropertiesTest {

  private static final String ATEXT =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~";

  @Property
  void anyStringIsAnsweredWithAnAddressOrAReasonAndNeverAnException(
      @ForAll("addressLike") String address) {
    EmailAddress.Checked checked = EmailAddress.check(address);

    assertThat(checked.valid()).isEqualTo(checked.problem() == null);
    assertThat(checked.ascii() == null).isEqualTo(!checked.valid());
    // The properties below hold only for accepted addresses: enough of them must be generated.
    Statistics.collect(checked.valid() ? "accepted" : "refused");
    Statistics.coverage(
        coverage -> {
          coverage.check("accepted").percentage(p -> p >= 5);
          coverage.check("refused").percentage(p -> p >= 5);
        });
  }

  @Property
  void anAcceptedAddressIsShortPrintableAsciiWithOneAtAndNoLineBreakOrNul(
      @ForAll("addressLike") String address) {
    EmailAddress.Checked checked = EmailAddress.check(address);
    if (!checked.valid()) {
      return;
    }
    String ascii = checked.ascii();

    assertThat(ascii.length()).isLessThanOrEqualTo(EmailAddress.MAX_LENGTH);
    assertThat(ascii.chars()).allMatch(c -> c > 0x20 && c < 0x7F);
    assertThat(ascii.chars().filter(c -> c == '@').count()).isEqualTo(1);
    assertThat(ascii.indexOf('@')).isBetween(1, EmailAddress.MAX_LOCAL_PART);
  }

  @Property
  void anAcceptedAddressIsAcceptedAgainUnchanged(@ForAll("addressLike") String address) {
    EmailAddress.Checked checked = EmailAddress.check(address);
    if (!checked.valid()) {
      return;
    }

    assertThat(EmailAddress.check(checked.ascii()))
        .isEqualTo(new EmailAddress.Checked(checked.ascii(), null));
  }

  @Property
  void anAcceptedInternationalisedDomainRoundTripsThroughItsUnicodeForm(
      @ForAll("addressLike") String address) {
    EmailAddress.Checked checked = EmailAddress.check(address);
    if (!checked.valid()) {
      return;
    }
    int at = checked.ascii().indexOf('@');
    String unicode =
        checked.ascii().substring(0, at + 1) + IDN.toUnicode(checked.ascii().substring(at + 1));

    assertThat(EmailAddress.check(unicode).ascii()).isEqualTo(checked.ascii());
  }

  @Property
  void asciiThrowsItsIllegalArgumentExactlyWhenCheckRefuses(@ForAll("addressLike") String address) {
    EmailAddress.Checked checked = EmailAddress.check(address);
    if (checked.valid()) {
      assertThat(EmailAddress.ascii(address)).isEqualTo(checked.ascii());
    } else {
      assertThatThrownBy(() -> EmailAddress.ascii(address))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("The email address " + checked.problem());
    }
  }

  /**
   * The rule for ASCII addresses, as {@link EmailAddress}'s documentation states it, written as one
   * pattern, spaces around the address included: an oracle for its hand-written scanner. ({@code
   * xn--} labels, which also need valid punycode, are left to the tests of their own.)
   */
  private static final Pattern DOCUMENTED_ASCII;

  static {
    String atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    String label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    DOCUMENTED_ASCII =
        Pattern.compile(
            "\\s*(?=.{1,254}\\s*$)(?=[^@]{1,64}@)%s(\\.%s)*@(?=[^\\s]{1,253}\\s*$)(%s\\.)+(?![0-9]+\\s*$)%s\\s*"
                .formatted(atom, atom, label, label));
  }

  @Property
  void anAsciiAddressIsAcceptedExactlyWhenItFollowsTheDocumentedRule(
      @ForAll("addressLike") String address) {
    if (!address.chars().allMatch(c -> c < 0x80) || address.toLowerCase().contains("xn--")) {
      return;
    }

    assertThat(EmailAddress.check(address).valid())
        .as(address)
        .isEqualTo(DOCUMENTED_ASCII.matcher(address).matches());
  }

  @Property
  void everyAddressBuiltFromTheDocumentedGrammarIsAcceptedAsItIs(
      @ForAll("grammatical") String address) {
    assertThat(EmailAddress.check(address)).isEqualTo(new EmailAddress.Checked(address, null));
  }

  /**
   * Text shaped like an address (a local part, an @, a domain of labels), each part from the
   * documented characters or from hostile text, so that both acceptance and every refusal are
   * reached.
   */
  @Provide
  Arbitrary<String> addressLike() {
    Arbitrary<String> local = Arbitraries.oneOf(atoms(), HostileText.codePoints());
    Arbitrary<String> label =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("abcxyz019-").ofMinLength(1).ofMaxLength(8),
            Arbitraries.strings().withChars("abcäöü例え日本ßς").ofMinLength(1).ofMaxLength(6),
            Arbitraries.of("xn--exmple-cua", "xn--", "xn--zz", "com", "127", "0"),
            HostileText.codePoints());
    Arbitrary<String> domain =
        label.list().ofMinSize(1).ofMaxSize(4).map(labels -> String.join(".", labels));
    return Arbitraries.frequencyOf(
        Tuple.of(3, grammatical()),
        Tuple.of(4, Combinators.combine(local, domain).as((l, d) -> l + "@" + d)),
        Tuple.of(1, HostileText.strings()),
        Tuple.of(1, HostileText.codePoints().map(s -> s + "@example.com")));
  }

  @Provide
  Arbitrary<String> grammatical() {
    Arbitrary<String> label =
        Combinators.combine(
                Arbitraries.strings().withChars("abcxyzABC019").ofLength(1),
                Arbitraries.strings().withChars("abcxyz019-").ofMaxLength(10),
                Arbitraries.strings().withChars("abcxyz019").ofLength(1))
            .as((first, middle, last) -> first + middle + last);
    Arbitrary<String> tld = Arbitraries.strings().withChars("abcxyz").ofMinLength(2).ofMaxLength(6);
    Arbitrary<String> domain =
        Combinators.combine(label.list().ofMinSize(1).ofMaxSize(3), tld)
            .as((labels, top) -> String.join(".", labels) + "." + top);
    return Combinators.combine(atoms(), domain).as((l, d) -> l + "@" + d);
  }

  /** Dot-atoms: runs of the documented characters joined by single dots, at most 64 long. */
  private static Arbitrary<String> atoms() {
    return Arbitraries.strings()
        .withChars(ATEXT)
        .ofMinLength(1)
        .ofMaxLength(12)
        .list()
        .ofMinSize(1)
        .ofMaxSize(5)
        .map(atoms -> String.join(".", atoms))
        .filter(local -> local.length() <= EmailAddress.MAX_LOCAL_PART);
  }
}
