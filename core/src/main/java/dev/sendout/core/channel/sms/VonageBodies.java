package dev.sendout.core.channel.sms;

import java.nio.charset.StandardCharsets;

/** The text of a Vonage webhook's body, as its JSON is read. */
final class VonageBodies {

  private VonageBodies() {}

  /**
   * The body decoded as UTF-8 before Jackson reads it (bytes that are not UTF-8 become U+FFFD,
   * where Jackson's byte parser made C0 80 a NUL that no text column stores), without a byte order
   * mark before it, which Jackson refuses in text (a signed status with one was refused 400).
   */
  static String text(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
