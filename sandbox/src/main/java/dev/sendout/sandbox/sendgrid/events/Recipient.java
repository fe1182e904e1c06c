package dev.sendout.sandbox.sendgrid.events;

/**
 * One recipient of an accepted personalization, shared by all of its events so that the events
 * themselves stay small while many of them wait.
 *
 * @param email the recipient address
 * @param messageId our id from {@code custom_args.message_id}, or null when none was sent
 * @param xMessageId the {@code X-Message-Id} of the mail send that carried it
 * @param index the recipient's position in that mail send, which ends its {@code sg_message_id}
 * @param fate what happens to the personalization
 * @param ledger the counters of the run it belongs to, until the next clear
 */
record Recipient(
    String email, String messageId, String xMessageId, int index, Fate fate, ReceiptLedger ledger) {

  /** Shaped like SendGrid's: the request's X-Message-Id, a dot, the filter host, the index. */
  String sgMessageId() {
    return xMessageId + ".filterdrecv-sandbox-0." + index;
  }

  String smtpId() {
    return "<" + xMessageId + "@sandbox>";
  }
}
