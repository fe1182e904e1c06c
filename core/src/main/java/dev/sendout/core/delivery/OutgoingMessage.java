package dev.sendout.core.delivery;

import java.util.Map;
import java.util.UUID;

/**
 * A message claimed for sending: what the provider adapter needs to address and render it.
 *
 * @param content which of the sendout's contents it carries
 */
public record OutgoingMessage(
    UUID id,
    String address,
    String displayName,
    Map<String, String> variables,
    ContentKey content) {

  /** An invitation. */
  public OutgoingMessage(
      UUID id, String address, String displayName, Map<String, String> variables) {
    this(id, address, displayName, variables, ContentKey.INVITATION);
  }
}
