package dev.sendout.core.channel.sms;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How an SMS text travels: its encoding, its length in that encoding's units, and how many segments
 * (billable messages) it takes. Networks charge per segment, so this is what a sendout costs.
 *
 * @param units GSM-7 septets or UTF-16 code units
 * @param segments at least one: even an empty text goes out as one message
 */
public record SmsSegments(Encoding encoding, int units, int segments) {

  /** The two encodings an SMS can use, with the capacity of one segment in each. */
  public enum Encoding {
    /** GSM 03.38 default alphabet: 7-bit septets. */
    @JsonProperty("GSM-7")
    GSM_7("GSM-7", 160, 153),
    /** Anything outside it: UTF-16, two bytes per code unit. */
    @JsonProperty("UCS-2")
    UCS_2("UCS-2", 70, 67);

    private final String label;
    private final int single;
    private final int concatenated;

    Encoding(String label, int single, int concatenated) {
      this.label = label;
      this.single = single;
      this.concatenated = concatenated;
    }

    /** Units that fit in a text sent as one segment. */
    public int single() {
      return single;
    }

    /** Units per segment of a longer text: each part gives some to its concatenation header. */
    public int concatenated() {
      return concatenated;
    }

    /** The usual name, as in {@code "GSM-7"}; also what the JSON carries. */
    @Override
    public String toString() {
      return label;
    }
  }

  /** The GSM 03.38 default alphabet, each character one septet (0x1B, the escape, left out). */
  private static final String BASIC =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

  /** The extension table: each character is the escape plus one more septet. */
  private static final String EXTENDED = "\f^{}\\[~]|€";

  /** Septets per character, indexed by char; 0 for characters GSM-7 cannot carry. */
  private static final byte[] SEPTETS = new byte['€' + 1];

  static {
    for (char c : BASIC.toCharArray()) {
      SEPTETS[c] = 1;
    }
    for (char c : EXTENDED.toCharArray()) {
      SEPTETS[c] = 2;
    }
  }

  public static SmsSegments of(String text) {
    Encoding encoding = isGsm7(text) ? Encoding.GSM_7 : Encoding.UCS_2;
    int units = 0;
    for (int i = 0; i < text.length(); i += charsAt(text, i, encoding)) {
      units += unitsAt(text, i, encoding);
    }
    if (units <= encoding.single()) {
      return new SmsSegments(encoding, units, 1);
    }
    return new SmsSegments(encoding, units, concatenatedSegments(text, encoding));
  }

  /**
   * Fills segments character by character, because an escaped GSM-7 character or a surrogate pair
   * cannot be split between two of them: a segment can end a unit short of full.
   */
  private static int concatenatedSegments(String text, Encoding encoding) {
    int segments = 1;
    int used = 0;
    for (int i = 0; i < text.length(); i += charsAt(text, i, encoding)) {
      int units = unitsAt(text, i, encoding);
      if (used + units > encoding.concatenated()) {
        segments++;
        used = 0;
      }
      used += units;
    }
    return segments;
  }

  private static boolean isGsm7(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= SEPTETS.length || SEPTETS[c] == 0) {
        return false;
      }
    }
    return true;
  }

  /** The chars at {@code i} that must stay in one segment: two for a surrogate pair, else one. */
  private static int charsAt(String text, int i, Encoding encoding) {
    return encoding == Encoding.UCS_2
            && Character.isHighSurrogate(text.charAt(i))
            && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1))
        ? 2
        : 1;
  }

  private static int unitsAt(String text, int i, Encoding encoding) {
    return encoding == Encoding.GSM_7 ? SEPTETS[text.charAt(i)] : charsAt(text, i, encoding);
  }
}
