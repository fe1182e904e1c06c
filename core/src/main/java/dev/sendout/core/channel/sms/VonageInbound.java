package dev.sendout.core.channel.sms;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The Vonage Messages API's inbound message callback: an SMS a recipient sent to one of our
 * senders. Only what a reply to a sendout needs is read; Vonage's other fields (usage, sms
 * segments) are ignored, since Vonage adds fields without notice.
 *
 * @param messageUuid Vonage's id of the inbound message
 * @param from the recipient's number, as Vonage writes it (E.164 digits, without the +)
 * @param to our number or sender id it was sent to
 * @param text what the recipient wrote (empty for a message_type other than text)
 * @param timestamp when Vonage received it; null when the callback has none Java can read
 */
public record VonageInbound(
    String messageUuid, String from, String to, String text, Instant timestamp) {

  /** The body is not a Vonage inbound SMS. */
  public static final class MalformedInboundException extends IllegalArgumentException {
    MalformedInboundException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Parses one callback body, refusing what is not an inbound SMS with the field at fault. */
  public static VonageInbound parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(VonageBodies.text(body));
    } catch (IOException e) {
      throw new MalformedInboundException("The body is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new MalformedInboundException("The body is not a JSON object");
    }
    String channel = root.path("channel").asText("sms");
    if (!"sms".equals(channel)) {
      throw new MalformedInboundException("channel: only sms is taken here, not " + channel);
    }
    String uuid = required(root, "message_uuid");
    String from = required(root, "from");
    String to = required(root, "to");
    String type = root.path("message_type").asText("text");
    String text = "text".equals(type) ? root.path("text").asText("") : "";
    return new VonageInbound(uuid, from, to, text, timestamp(root.path("timestamp").asText("")));
  }

  private static Instant timestamp(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String required(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw new MalformedInboundException(field + ": required, a non-empty string");
    }
    if (node.asText().length() > 255) {
      throw new MalformedInboundException(field + ": at most 255 characters");
    }
    return node.asText();
  }
}
