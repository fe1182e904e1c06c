package dev.sendout.core.response;

import java.time.Instant;
import java.util.UUID;

/**
 * One response the survey platform reports: which recipient, named by exactly one of our message
 * id, the caller's {@code externalId} or the address, and when they responded.
 *
 * @param item the response's position in the caller's request, echoed in its result
 */
public record ReportedResponse(
    int item, UUID messageId, String externalId, String address, Instant respondedAt) {

  public ReportedResponse {
    int keys =
        (messageId != null ? 1 : 0) + (externalId != null ? 1 : 0) + (address != null ? 1 : 0);
    if (keys != 1) {
      throw new IllegalArgumentException("A response names its recipient by exactly one key");
    }
    if (respondedAt == null) {
      throw new IllegalArgumentException("A response has a time");
    }
  }
}
