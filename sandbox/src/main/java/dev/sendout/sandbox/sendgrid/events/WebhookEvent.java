package dev.sendout.sandbox.sendgrid.events;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * One event as it will appear in a batch. The {@code sg_event_id} is kept as two random longs and
 * only spelled out when the batch is written, since millions of events may wait at once.
 *
 * @param type the event type
 * @param timestamp when the event happened, in epoch seconds
 * @param idHigh the first half of the sg_event_id's random bytes
 * @param idLow the second half
 * @param recipient whom the event is about
 */
record WebhookEvent(EventType type, long timestamp, long idHigh, long idLow, Recipient recipient) {

  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

  /** 16 random bytes as 22 characters of URL-safe base64, like SendGrid's own event ids. */
  String sgEventId() {
    return URL_SAFE.encodeToString(
        ByteBuffer.allocate(Long.BYTES * 2).putLong(idHigh).putLong(idLow).array());
  }
}
