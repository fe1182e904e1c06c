package dev.sendout.core.delivery;

import java.util.Map;
import java.util.UUID;

/**
 * A message claimed for sending: what the provider adapter needs to address and render it.
 *
 * @param reminderIndex for a reminder, which of the sendout's reminders it is (its content); null
 *     for an invitation
 */
public record OutgoingMessage(
    UUID id,
    String address,
    String displayName,
    Map<String, String> variables,
    Integer reminderIndex) {

  /** An invitation. */
  public OutgoingMessage(
      UUID id, String address, String displayName, Map<String, String> variables) {
    this(id, address, displayName, variables, null);
  }
}
