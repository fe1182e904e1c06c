package dev.sendout.core.response;

import java.time.Instant;
import java.util.UUID;

/**
 * What became of one {@link ReportedResponse}.
 *
 * @param item the response's position in the caller's request
 * @param messageId the message it matched (the first by id when an address matched several); null
 *     when {@link Outcome#UNKNOWN}
 * @param respondedAt the response time the message now holds: this one's when it was recorded, the
 *     earlier one's when it was already recorded; null when unknown
 */
public record RecordedResponse(int item, Outcome outcome, UUID messageId, Instant respondedAt) {

  /** The result of a reported response. */
  public enum Outcome {
    /** The message had no response: it has this one now. */
    RECORDED,
    /** The message had a response already (or this call reported it twice): nothing changed. */
    ALREADY_RECORDED,
    /** No message of this sendout matches: nothing changed. */
    UNKNOWN
  }
}
