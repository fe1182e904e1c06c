package dev.sendout.sandbox.vonage;

import java.time.Instant;

/**
 * One SMS the fake Vonage accepted with 202.
 *
 * @param messageUuid the {@code message_uuid} it answered with
 * @param to the recipient number
 * @param from the sender id
 * @param text the message text
 * @param clientRef the caller's {@code client_ref} (our message id), or null when none was sent
 * @param receivedAt when the request was accepted
 */
public record AcceptedSms(
    String messageUuid,
    String to,
    String from,
    String text,
    String clientRef,
    Instant receivedAt) {}
