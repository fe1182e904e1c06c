package dev.sendout.core.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.channel.sms.PhoneNumbers;
import dev.sendout.core.suppression.SuppressionKey.InvalidAddress;
import dev.sendout.workflows.sendout.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SuppressionKeyTest {

  @Test
  void anEmailAddressIsLowerCasedWholeThePartBeforeTheAtToo() {
    assertThat(SuppressionKey.of("Ana.Smith@Example.COM"))
        .isEqualTo(new SuppressionKey(Channel.EMAIL, "ana.smith@example.com"));
  }

  @Test
  void anInternationalisedDomainIsStoredInItsAsciiFormAsMessagesAre() {
    assertThat(SuppressionKey.of("ana@EXÄMPLE.com").address()).isEqualTo("ana@xn--exmple-cua.com");
  }

  @Test
  void aPhoneNumberIsE164WithItsPlusAndWithoutSeparators() {
    assertThat(SuppressionKey.of(" +44 7700-900.123 "))
        .isEqualTo(new SuppressionKey(Channel.SMS, "+447700900123"));
    assertThat(SuppressionKey.of("(+44) 7700 900123").address()).isEqualTo("+447700900123");
  }

  @Test
  void aPhoneNumberIsTheE164FormItsRecipientIsStoredIn() {
    for (String written : new String[] {"+44 (0)7911 100040", "+44 (0) 7911 100040"}) {
      assertThat(SuppressionKey.of(written).address())
          .isEqualTo(PhoneNumbers.e164(written).orElseThrow())
          .isEqualTo("+447911100040");
    }
  }

  @Test
  void aNumberLibphonenumberDoesNotKnowIsKeptAsWrittenWithoutSeparators() {
    assertThat(SuppressionKey.of(Channel.SMS, "+999 123-4567").address()).isEqualTo("+9991234567");
    assertThat(new SuppressionKey(Channel.SMS, "+4407911100040").address())
        .as("an entry stored before numbers went through libphonenumber is still read")
        .isEqualTo("+4407911100040");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "447700900123", "+0447700900123", "+12", "ana@", "a@@b.com"})
  void whatIsNeitherAnEmailAddressNorAnE164NumberIsRefusedWithTheReason(String address) {
    assertThatThrownBy(() -> SuppressionKey.of(address))
        .isInstanceOf(InvalidAddress.class)
        .hasMessageMatching("(is|has|starts).*");
  }

  @Test
  void aKeyCannotBeMadeFromAnAddressThatIsNotNormalised() {
    assertThatThrownBy(() -> new SuppressionKey(Channel.EMAIL, "Ana@example.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SuppressionKey(Channel.SMS, "+44 7700 900123"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theChannelCanBeGivenExplicitly() {
    assertThatThrownBy(() -> SuppressionKey.of(Channel.SMS, "ana@example.com"))
        .isInstanceOf(InvalidAddress.class)
        .hasMessageContaining("E.164");
  }
}
