package dev.sendout.core.receipt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;

/**
 * What Postgres can store of a provider's event, which is kept as it came ({@code jsonb}) and read
 * for text columns (a bounce's reason becomes the message's {@code last_error}). Postgres keeps no
 * NUL in text nor in {@code jsonb}, and its {@code jsonb} refuses an escaped lone surrogate (an
 * emoji cut in half in a bounce reason, say): one such event made the store refuse its whole
 * webhook call, a 400 that every redelivery met again.
 */
public final class ReceiptPayloads {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The first and last times Postgres's timestamptz holds as an event's time (years 1 to 9999). */
  public static final Instant FIRST_STORABLE = Instant.parse("0001-01-01T00:00:00Z");

  public static final Instant LAST_STORABLE = Instant.parse("9999-12-31T23:59:59Z");

  private ReceiptPayloads() {}

  /** The event's time where Postgres can store it; null otherwise, as when it has none. */
  public static Instant storable(Instant at) {
    return at == null || at.isBefore(FIRST_STORABLE) || at.isAfter(LAST_STORABLE) ? null : at;
  }

  /**
   * The event, with every U+0000 in its strings and field names replaced by U+FFFD when its text
   * (null when unknown) may hold one: JSON has no raw control characters in its strings, so a NUL
   * comes escaped, or as bytes that are not UTF-8 ({@code C0 80}, which Jackson's byte parser
   * decodes as U+0000 and the text's decoder as U+FFFD).
   */
  public static JsonNode storable(JsonNode event, String text) {
    // Most events have no escape and no replacement character: a scan for each finds that, and
    // the event is copied only where there is one.
    return text == null
            || (text.contains("\\u") && text.contains("\\u0000"))
            || text.indexOf('\uFFFD') >= 0
        ? withoutNul(event)
        : event;
  }

  /**
   * The text to store for the event: its own, unless that is unknown or has a backslash-u escape,
   * which is then written out again from the {@link #storable} event. Jackson decodes an escaped
   * lone surrogate, and the driver sends it as {@code ?}.
   */
  public static String payload(String text, JsonNode storable) {
    if (text != null && !text.contains("\\u")) {
      return text;
    }
    try {
      return JSON.writeValueAsString(storable);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A parsed event can always be written", e);
    }
  }

  /**
   * The event's text as a JSON string, which Postgres stores as {@code jsonb} whatever it holds.
   */
  public static String asJsonString(String text) {
    try {
      return JSON.writeValueAsString(storableText(text));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A string can always be written", e);
    }
  }

  /** The text with each lone surrogate and NUL replaced by U+FFFD; null stays null. */
  public static String storableText(String text) {
    if (text == null || isPlain(text)) {
      return text;
    }
    StringBuilder storable = new StringBuilder(text.length());
    text.codePoints()
        // A pair is one code point here: what is left in the surrogates' range stands alone.
        .map(
            c ->
                c == 0 || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)
                    ? '\uFFFD'
                    : c)
        .forEach(storable::appendCodePoint);
    return storable.toString();
  }

  /** No NUL and no surrogate at all: what nearly every id is, found without a copy. */
  private static boolean isPlain(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0 || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode withoutNul(JsonNode node) {
    if (node.isTextual()) {
      String text = node.textValue();
      return text.indexOf('\u0000') < 0 ? node : TextNode.valueOf(text.replace('\u0000', '\uFFFD'));
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(element -> copy.add(withoutNul(element)));
      return copy;
    }
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      node.fields()
          .forEachRemaining(
              field ->
                  copy.set(
                      field.getKey().replace('\u0000', '\uFFFD'), withoutNul(field.getValue())));
      return copy;
    }
    return node;
  }
}
