package dev.sendout.sandbox.vonage;

import dev.sendout.sandbox.vonage.statuses.Fate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sandbox remembers about one accepted SMS, shown by {@code GET
 * /sandbox/vonage/messages/{messageUuid}}.
 *
 * @param messageUuid the {@code message_uuid} Vonage answered with
 * @param clientRef our message id, as sent in {@code client_ref}
 * @param to the recipient number
 * @param from the sender id
 * @param text the message text
 * @param receivedAt when it was accepted
 * @param fate the final status its webhooks report, or SILENT for none at all; null when status
 *     webhooks were off
 * @param statusesPlanned the statuses the sandbox means to post, in order, without duplicates
 * @param statusesPosted the statuses the webhook receiver acknowledged, in order, every duplicate
 *     included; a status given up on after its last attempt is missing here
 */
public record SmsRecord(
    String messageUuid,
    String clientRef,
    String to,
    String from,
    String text,
    Instant receivedAt,
    Fate.Outcome fate,
    List<String> statusesPlanned,
    List<String> statusesPosted) {

  static SmsRecord of(AcceptedSms sms, Fate.Outcome fate, List<String> statusesPlanned) {
    return new SmsRecord(
        sms.messageUuid(),
        sms.clientRef(),
        sms.to(),
        sms.from(),
        sms.text(),
        sms.receivedAt(),
        fate,
        statusesPlanned,
        List.of());
  }

  SmsRecord withStatusPosted(String status) {
    List<String> posted = new ArrayList<>(statusesPosted);
    posted.add(status);
    return new SmsRecord(
        messageUuid,
        clientRef,
        to,
        from,
        text,
        receivedAt,
        fate,
        statusesPlanned,
        List.copyOf(posted));
  }
}
