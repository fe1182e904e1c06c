package dev.sendout.sandbox.sendgrid;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.sendout.sandbox.sendgrid.events.ReceiptStats;

/**
 * The counters shown by {@code GET /sandbox/sendgrid/stats}.
 *
 * @param requests mail send requests received, whatever their outcome
 * @param accepted personalizations accepted in 202 answers
 * @param distinctMessages distinct {@code custom_args.message_id} values accepted
 * @param duplicates message ids accepted more than once
 * @param rejected429 requests answered 429
 * @param rejected5xx requests answered with a 5xx status
 * @param rejected4xx requests answered with any other 4xx status
 * @param untracked message ids counted but not recorded because the record limit was reached; once
 *     it is above zero, resends of those ids are counted as distinct and not as duplicates
 * @param receipts what happened to Event Webhook receipts; null in the mail send counters alone,
 *     since those live apart from the receipts
 */
@JsonPropertyOrder({
  "requests",
  "accepted",
  "distinctMessages",
  "duplicates",
  "rejected429",
  "rejected5xx",
  "rejected4xx",
  "untracked",
  "receipts"
})
public record SendGridStats(
    long requests,
    long accepted,
    long distinctMessages,
    long duplicates,
    long rejected429,
    long rejected5xx,
    long rejected4xx,
    long untracked,
    ReceiptStats receipts) {}
