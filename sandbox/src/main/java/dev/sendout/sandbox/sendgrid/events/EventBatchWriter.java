package dev.sendout.sandbox.sendgrid.events;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/**
 * Writes a batch as the JSON array SendGrid posts, streaming straight to bytes so that a batch of a
 * thousand events costs one buffer and no intermediate tree.
 */
@Component
class EventBatchWriter {

  private static final String DELIVERED_RESPONSE = "250 2.0.0 OK";
  private static final String DEFERRED_RESPONSE = "421 4.7.0 Try again later";
  private static final String BOUNCE_REASON =
      "550 5.1.1 The email account that you tried to reach does not exist.";
  private static final String BOUNCE_STATUS = "5.1.1";
  private static final String DROP_REASON = "Bounced Address";

  /** A typical event is about 350 bytes; sizing the buffer up front avoids repeated copying. */
  private static final int BYTES_PER_EVENT = 400;

  private final ObjectMapper objectMapper;

  EventBatchWriter(ObjectMapper objectMapper) {
    this.objectMapper = objectMapper;
  }

  byte[] write(List<PendingEvent> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * BYTES_PER_EVENT);
    try (JsonGenerator json = objectMapper.createGenerator(out)) {
      json.writeStartArray();
      for (PendingEvent pending : events) {
        write(json, pending.event());
      }
      json.writeEndArray();
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator json, WebhookEvent event) {
    Recipient recipient = event.recipient();
    json.writeStartObject();
    json.writeStringProperty("email", recipient.email());
    json.writeNumberProperty("timestamp", event.timestamp());
    json.writeStringProperty("smtp-id", recipient.smtpId());
    json.writeStringProperty("event", event.type().wireName());
    json.writeArrayPropertyStart("category");
    json.writeEndArray();
    json.writeStringProperty("sg_event_id", event.sgEventId());
    json.writeStringProperty("sg_message_id", recipient.sgMessageId());
    writeDetails(json, event.type(), recipient.fate());
    // SendGrid flattens custom_args into the event as top-level keys, and some bounces lack them.
    boolean customArgsOmitted =
        event.type() == EventType.BOUNCE && recipient.fate().customArgsOmitted();
    if (recipient.messageId() != null && !customArgsOmitted) {
      json.writeStringProperty("message_id", recipient.messageId());
    }
    json.writeEndObject();
  }

  private static void writeDetails(JsonGenerator json, EventType type, Fate fate) {
    switch (type) {
      case DELIVERED -> json.writeStringProperty("response", DELIVERED_RESPONSE);
      case DEFERRED -> {
        json.writeStringProperty("response", DEFERRED_RESPONSE);
        json.writeStringProperty("attempt", "1");
      }
      case BOUNCE -> {
        json.writeStringProperty("type", fate.blocked() ? "blocked" : "bounce");
        json.writeStringProperty("reason", BOUNCE_REASON);
        json.writeStringProperty("status", BOUNCE_STATUS);
      }
      case DROPPED -> json.writeStringProperty("reason", DROP_REASON);
      case PROCESSED -> {
        // A processed event carries only the common fields.
      }
    }
  }
}
