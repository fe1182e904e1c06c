package dev.sendout.core.channel.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a@example.com",
        "Ann.Lee+survey@mail.example.co.uk",
        "!#$%&'*+-/=?^_`{|}~@example.com",
        "a@xn--exmple-cua.com",
        "a@3com.com",
        "a@a-b.example",
      })
  void commonAddressesAreTakenAsTheyAre(String address) {
    assertThat(EmailAddress.check(address)).isEqualTo(new EmailAddress.Checked(address, null));
  }

  @Test
  void anInternationalisedDomainIsStoredInItsAsciiForm() {
    assertThat(EmailAddress.ascii("jose@exämple.com")).isEqualTo("jose@xn--exmple-cua.com");
    assertThat(EmailAddress.ascii("info@bücher.例え.jp"))
        .isEqualTo("info@xn--bcher-kva.xn--r8jz45g.jp");
  }

  @Test
  void theLongestLocalPartAndAddressAreAccepted() {
    String local = "a".repeat(64);
    String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";

    assertThat(EmailAddress.check(local + "@example.com").valid()).isTrue();
    assertThat((local + "@" + domain).length()).isEqualTo(254);
    assertThat(EmailAddress.check(local + "@" + domain).valid()).isTrue();
    assertThat(EmailAddress.check(local + "@" + domain.replace(".com", ".coma")).problem())
        .isEqualTo("is 255 characters; at most 254");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          .a@x.com                | starts or ends the part before the @ with a dot
          a.@x.com                | starts or ends the part before the @ with a dot
          a..b@x.com              | has two dots in a row before the @
          @x.com                  | has nothing before the @
          a@                      | has nothing after the @
          ax.com                  | has no @
          a@b@x.com               | has more than one @
          '"a b"@x.com'           | other than letters, digits, dots
          a b@x.com               | other than letters, digits, dots
          josé@exämple.com        | has non-ASCII characters before the @
          a@127.0.0.1             | has an IP address for its domain
          a@[127.0.0.1]           | has a domain literal such as [127.0.0.1]
          a@[IPv6:::1]            | has a domain literal
          a@localhost             | has a domain without a dot
          a@example.123           | whose last label is all digits
          a@-x.com                | starts or ends with a hyphen
          a@x-.com                | starts or ends with a hyphen
          a@x_y.com               | other than letters, digits and hyphens
          a@x..com                | has an empty label in its domain
          a@x.com.                | has an empty label in its domain
          a@xn--zz.com            | starts with xn-- but is not valid punycode
          a@faß.de                | has U+00DF in its domain
          a@ex\u0007ample.com     | other than letters, digits and hyphens
          """)
  void addressesOutsideThePracticalSubsetAreRefusedSayingWhy(String address, String problem) {
    assertThat(EmailAddress.check(address).problem()).contains(problem);
  }

  /** Found by a hostile sweep: a CSV cell's spaces were refused as a character of the address. */
  @Test
  void spacesAroundAnAddressAreNotPartOfIt() {
    assertThat(EmailAddress.check(" ann@example.com\t").ascii()).isEqualTo("ann@example.com");
    assertThat(EmailAddress.check("\u00a0ann@example.com\u202f").ascii())
        .as("no-break spaces, as a spreadsheet may write them")
        .isEqualTo("ann@example.com");
    assertThat(EmailAddress.check(" ann @example.com").problem()).contains("other than letters");
    assertThat(EmailAddress.check("  ").problem()).isEqualTo("is empty");
  }

  @Test
  void lengthsAreCountedPerPart() {
    assertThat(EmailAddress.check("a".repeat(65) + "@x.com").problem())
        .isEqualTo("has 65 characters before the @; at most 64");
    assertThat(EmailAddress.check("a@" + "b".repeat(64) + ".com").problem())
        .isEqualTo("has a domain label of 64 characters; at most 63");
    assertThat(EmailAddress.check("a@" + "b.".repeat(127) + "com").problem())
        .isEqualTo("has a domain of more than 253 characters");
  }

  @Test
  void aDomainThatIdnaRefusesIsRefused() {
    assertThat(EmailAddress.check("a@ex\u2028ample.com").problem())
        .isEqualTo("has a domain that is not a valid internationalised domain name (IDNA)");
    assertThatThrownBy(() -> EmailAddress.ascii("a..b@x.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The email address has two dots in a row before the @");
  }
}
