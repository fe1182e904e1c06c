package dev.sendout.core.delivery;

import java.util.Map;
import java.util.UUID;

/** A message claimed for sending: what the provider adapter needs to address and render it. */
public record OutgoingMessage(
    UUID id, String address, String displayName, Map<String, String> variables) {}
