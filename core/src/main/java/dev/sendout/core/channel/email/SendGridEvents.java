package dev.sendout.core.channel.email;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sendout.core.content.Sha256;
import dev.sendout.core.receipt.Receipt;
import dev.sendout.core.receipt.Receipt.Effect;
import dev.sendout.core.receipt.ReceiptPayloads;
import dev.sendout.core.suppression.SuppressionReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a SendGrid Event Webhook body (a JSON array of events) into receipts.
 *
 * <p>Our message id comes back as the top-level {@code message_id} (SendGrid flattens {@code
 * custom_args} into each event). Some events lack it (bounces, notably), so the receipt also keeps
 * {@code sg_message_id}'s prefix, which is the {@code X-Message-Id} of our send request, and the
 * recipient's address.
 */
public final class SendGridEvents {

  private static final Logger log = LoggerFactory.getLogger(SendGridEvents.class);

  public static final String PROVIDER = "SENDGRID";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REASON_LENGTH = 500;

  /** The widths of the receipt's {@code event_type} and {@code provider_message_id} columns. */
  private static final int MAX_TYPE_LENGTH = 32;

  private static final int MAX_PROVIDER_ID_LENGTH = 255;
  private static final long FIRST_STORABLE = ReceiptPayloads.FIRST_STORABLE.getEpochSecond();
  private static final long LAST_STORABLE = ReceiptPayloads.LAST_STORABLE.getEpochSecond();

  private SendGridEvents() {}

  /** The body is not a JSON array of objects. */
  public static final class MalformedEventsException extends IllegalArgumentException {
    MalformedEventsException(String message) {
      super(message);
    }
  }

  /**
   * The receipts of a webhook body. Each keeps its event's text from the body as its payload,
   * without writing the parsed event out again in Java, unless offsets into the body do not apply
   * (it is not UTF-8) or the text has a backslash-u escape that Postgres would refuse ({@link
   * ReceiptPayloads}).
   */
  public static List<Receipt> parse(byte[] body) {
    try (JsonParser parser = JSON.createParser(body)) {
      return parse(parser, body);
    } catch (JsonParseException e) {
      // Jackson's byte parser refuses a field name escaping a lone surrogate, which its text parser
      // reads (and ReceiptPayloads makes storable): one odd event, as the same escape in a value,
      // must not have the whole call refused.
      // Decoded strictly: bytes that are not UTF-8 stay the byte parser's refusal, not replaced.
      try (JsonParser parser =
          JSON.createParser(
              StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString())) {
        return parse(parser, body);
      } catch (IOException again) {
        throw new MalformedEventsException("The body is not valid JSON");
      }
    } catch (IOException e) {
      throw new MalformedEventsException("The body is not valid JSON");
    }
  }

  /**
   * The receipts {@code parser} reads from {@code body}; each event's text is cut from the body
   * where the parser gives byte offsets, and written out again where it does not (a text parser).
   */
  private static List<Receipt> parse(JsonParser parser, byte[] body) throws IOException {
    if (parser.nextToken() != JsonToken.START_ARRAY) {
      throw new MalformedEventsException("The body is not a JSON array of events");
    }
    List<Receipt> receipts = new ArrayList<>();
    int skipped = 0;
    for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; ) {
      if (next == null) {
        throw new MalformedEventsException("The body is not valid JSON");
      }
      long start = parser.currentTokenLocation().getByteOffset();
      JsonNode parsed = JSON.readTree(parser);
      if (!parsed.isObject() || !parsed.path("event").isTextual()) {
        // Nothing in it to apply; the call's other events are applied all the same (refused
        // whole, a signed call lost them: SendGrid gives up on a call it keeps being refused).
        skipped++;
        next = parser.nextToken();
        continue;
      }
      long end = parser.currentLocation().getByteOffset();
      String text =
          start < 0 || end < 0
              ? null
              : new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8);
      JsonNode event = ReceiptPayloads.storable(parsed, text);
      String payload = ReceiptPayloads.payload(text, event);
      receipts.add(receipt(event, payload));
      next = parser.nextToken();
    }
    if (parser.nextToken() != null) {
      throw new MalformedEventsException("The body has more after its array of events");
    }
    if (skipped > 0 && receipts.isEmpty()) {
      throw new MalformedEventsException("No event of the body is an object with an \"event\"");
    }
    if (skipped > 0) {
      log.warn(
          "{} of the {} events of a SendGrid call are not objects with an \"event\": skipped",
          skipped,
          skipped + receipts.size());
    }
    return receipts;
  }

  private static Receipt receipt(JsonNode event, String payload) {
    String type = event.get("event").asText();
    String sgMessageId = text(event, "sg_message_id");
    String providerMessageId = sgMessageId == null ? null : sgMessageId.split("\\.", 2)[0];
    return new Receipt(
        PROVIDER,
        eventId(event),
        // Only known types have an effect, and they are short; a longer one is kept cut to fit.
        type.length() <= MAX_TYPE_LENGTH ? type : type.substring(0, MAX_TYPE_LENGTH),
        uuid(text(event, "message_id")),
        // Ours are 22 characters; one that does not fit the column is none of ours.
        providerMessageId == null || providerMessageId.length() > MAX_PROVIDER_ID_LENGTH
            ? null
            : providerMessageId,
        text(event, "email"),
        occurredAt(event.path("timestamp")),
        effect(type),
        reason(type, event),
        payload,
        suppresses(type, event));
  }

  /** The event's Unix time, where it is one Postgres can store (years 1 to 9999). */
  private static Instant occurredAt(JsonNode timestamp) {
    if (!timestamp.canConvertToLong()) {
      return null;
    }
    long seconds = timestamp.asLong();
    return seconds >= FIRST_STORABLE && seconds <= LAST_STORABLE
        ? Instant.ofEpochSecond(seconds)
        : null;
  }

  /**
   * Whether the event puts its recipient on the suppression list, and why: a hard bounce (a bounce
   * whose type is "bounce"; "blocked" is the receiving server refusing this message for now, not
   * the address), a spam report, an unsubscribe from all mail or from a group, and a drop whose
   * reason is that SendGrid itself suppresses the address ("Bounced Address", "Unsubscribed
   * Address", "Spam Reporting Address").
   */
  static SuppressionReason suppresses(String type, JsonNode event) {
    return switch (type) {
      case "bounce" -> "bounce".equals(text(event, "type")) ? SuppressionReason.HARD_BOUNCE : null;
      case "spamreport" -> SuppressionReason.SPAM_REPORT;
      case "unsubscribe", "group_unsubscribe" -> SuppressionReason.UNSUBSCRIBED;
      case "dropped" -> droppedFor(event.path("reason").asText("").toLowerCase(Locale.ROOT));
      default -> null;
    };
  }

  private static SuppressionReason droppedFor(String reason) {
    if (reason.contains("bounced")) {
      return SuppressionReason.HARD_BOUNCE;
    }
    if (reason.contains("unsubscribed")) {
      return SuppressionReason.UNSUBSCRIBED;
    }
    if (reason.contains("spam report")) {
      return SuppressionReason.SPAM_REPORT;
    }
    return null;
  }

  private static Effect effect(String type) {
    return switch (type) {
      case "delivered" -> Effect.DELIVERED;
      case "bounce" -> Effect.BOUNCED;
      case "dropped" -> Effect.DROPPED;
      case "deferred" -> Effect.DEFERRED;
      default -> Effect.NONE;
    };
  }

  private static String reason(String type, JsonNode event) {
    String reason =
        switch (type) {
          // "bounce" covers both hard bounces and blocks; the type tells them apart.
          case "bounce" ->
              "%s: %s"
                  .formatted(event.path("type").asText("bounce"), event.path("reason").asText());
          case "dropped" -> event.path("reason").asText();
          case "deferred" ->
              "Deferred (attempt %s): %s"
                  .formatted(event.path("attempt").asText("?"), event.path("response").asText());
          default -> null;
        };
    return reason == null || reason.length() <= MAX_REASON_LENGTH
        ? reason
        : reason.substring(0, MAX_REASON_LENGTH);
  }

  /**
   * SendGrid's {@code sg_event_id}. An event without one (never seen, but not promised) gets a
   * digest of its content, written out the one way Jackson writes it, so that its redeliveries
   * still deduplicate however their text is spaced.
   */
  private static String eventId(JsonNode event) {
    String id = text(event, "sg_event_id");
    if (id != null && id.length() <= 128) {
      return id;
    }
    return "sha256:" + Sha256.hex(write(event));
  }

  private static String text(JsonNode event, String field) {
    JsonNode value = event.get(field);
    return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }

  private static UUID uuid(String value) {
    if (value == null) {
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException notOurs) {
      return null;
    }
  }

  private static String write(JsonNode event) {
    try {
      return JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A parsed event can always be written", e);
    }
  }
}
