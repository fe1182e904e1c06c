package dev.sendout.core.channel.sms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

  @Test
  void aNumberInInternationalFormIsStoredInE164() {
    assertThat(PhoneNumbers.e164("+44 7911 123456")).contains("+447911123456");
    assertThat(PhoneNumbers.e164("+49 (201) 1234-5678")).contains("+4920112345678");
  }

  @Test
  void aNationalNumberOrOneWrittenWithLettersIsRefused() {
    assertThat(PhoneNumbers.e164("07911 123456")).isEmpty();
    assertThat(PhoneNumbers.e164("+1-800-FLOWERS")).isEmpty();
  }

  /** libphonenumber holds this German fixed line valid; it has 16 digits, one more than E.164's. */
  @Test
  void aNumberLongerThanFifteenDigitsIsRefusedThoughItsCountryPlanAllowsIt() {
    assertThat(PhoneNumbers.e164("+4920100000000000")).isEmpty();
    assertThat(PhoneNumbers.e164("+492010000000000")).contains("+492010000000000");
  }
}
