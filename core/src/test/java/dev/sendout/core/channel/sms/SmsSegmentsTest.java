package dev.sendout.core.channel.sms;

import static dev.sendout.core.channel.sms.SmsSegments.Encoding.GSM_7;
import static dev.sendout.core.channel.sms.SmsSegments.Encoding.UCS_2;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmsSegmentsTest {

  private static final String GRINNING = "\uD83D\uDE00"; // U+1F600, a surrogate pair

  private static SmsSegments gsm(int units, int segments) {
    return new SmsSegments(GSM_7, units, segments);
  }

  private static SmsSegments ucs(int units, int segments) {
    return new SmsSegments(UCS_2, units, segments);
  }

  @Test
  void emptyTextIsOneGsmSegment() {
    assertThat(SmsSegments.of("")).isEqualTo(gsm(0, 1));
  }

  @Test
  void gsmTextUpTo160SeptetsIsOneSegmentAndBeyondIsSplitIntoPartsOf153() {
    assertThat(SmsSegments.of("a".repeat(160))).isEqualTo(gsm(160, 1));
    assertThat(SmsSegments.of("a".repeat(161))).isEqualTo(gsm(161, 2));
    assertThat(SmsSegments.of("a".repeat(153 * 2))).isEqualTo(gsm(306, 2));
    assertThat(SmsSegments.of("a".repeat(153 * 2 + 1))).isEqualTo(gsm(307, 3));
    assertThat(SmsSegments.of("a".repeat(1000))).isEqualTo(gsm(1000, 7));
  }

  @Test
  void everyCharacterOfTheDefaultAlphabetIsOneSeptet() {
    String basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    assertThat(SmsSegments.of(basic)).isEqualTo(gsm(basic.length(), 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"^", "{", "}", "\\", "[", "~", "]", "|", "€", "\f"})
  void extensionCharactersCountTwoSeptets(String c) {
    assertThat(SmsSegments.of(c)).isEqualTo(gsm(2, 1));
    assertThat(SmsSegments.of("a".repeat(158) + c)).isEqualTo(gsm(160, 1));
    assertThat(SmsSegments.of("a".repeat(159) + c)).isEqualTo(gsm(161, 2));
  }

  @Test
  void anEscapedCharacterIsNotSplitBetweenSegments() {
    // 152 septets then a 2-septet € would straddle the end of the first 153-septet part.
    assertThat(SmsSegments.of("a".repeat(152) + "€" + "a".repeat(152))).isEqualTo(gsm(306, 3));
    assertThat(SmsSegments.of("a".repeat(151) + "€" + "a".repeat(153))).isEqualTo(gsm(306, 2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ç", "á", "ő", "Ж", "中", "`", "\u001B", "\t"})
  void aSingleCharacterOutsideTheGsmAlphabetMakesTheWholeTextUcs2(String c) {
    assertThat(SmsSegments.of("Hello " + c)).isEqualTo(ucs(7, 1));
  }

  @Test
  void ucs2TextUpTo70UnitsIsOneSegmentAndBeyondIsSplitIntoPartsOf67() {
    assertThat(SmsSegments.of("ж".repeat(70))).isEqualTo(ucs(70, 1));
    assertThat(SmsSegments.of("ж".repeat(71))).isEqualTo(ucs(71, 2));
    assertThat(SmsSegments.of("ж".repeat(67 * 2))).isEqualTo(ucs(134, 2));
    assertThat(SmsSegments.of("ж".repeat(67 * 2 + 1))).isEqualTo(ucs(135, 3));
  }

  @Test
  void anEmojiIsTwoUtf16UnitsAndIsNeverSplitBetweenSegments() {
    assertThat(SmsSegments.of(GRINNING)).isEqualTo(ucs(2, 1));
    assertThat(SmsSegments.of(GRINNING.repeat(35))).isEqualTo(ucs(70, 1));
    // 66 units then a pair: the pair cannot straddle the 67-unit boundary, so it opens part 2.
    assertThat(SmsSegments.of("ж".repeat(66) + GRINNING + "ж".repeat(66))).isEqualTo(ucs(134, 3));
    assertThat(SmsSegments.of("ж".repeat(65) + GRINNING + "ж".repeat(67))).isEqualTo(ucs(134, 2));
  }

  @Test
  void encodingsAreWrittenAsTheirUsualNames() throws Exception {
    var json = new ObjectMapper();

    assertThat(json.writeValueAsString(GSM_7)).isEqualTo("\"GSM-7\"");
    assertThat(json.writeValueAsString(UCS_2)).isEqualTo("\"UCS-2\"");
    assertThat(json.readValue("\"UCS-2\"", SmsSegments.Encoding.class)).isEqualTo(UCS_2);
  }
}
