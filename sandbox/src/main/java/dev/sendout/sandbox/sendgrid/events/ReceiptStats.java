package dev.sendout.sandbox.sendgrid.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The receipt counters shown under {@code receipts} by {@code GET /sandbox/sendgrid/stats}, since
 * the last clear. Every copy of a duplicated event counts as one event.
 *
 * @param pendingEvents events queued, batched or being retried, not yet posted or dropped
 * @param eventsPosted events in POSTs the receiver answered with a 2xx status
 * @param batchesPosted POSTs the receiver answered with a 2xx status
 * @param postFailures POST attempts answered with another status or failed on the network
 * @param retries POST attempts scheduled again after a failure
 * @param eventsDropped events given up on, after the last attempt failed or because receipts were
 *     switched off before they were sent
 * @param eventsOverCapacity events never queued because {@code maxPendingEvents} was reached
 * @param fates how many accepted personalizations drew each fate
 */
@JsonPropertyOrder({
  "pendingEvents",
  "eventsPosted",
  "batchesPosted",
  "postFailures",
  "retries",
  "eventsDropped",
  "eventsOverCapacity",
  "fates"
})
public record ReceiptStats(
    long pendingEvents,
    long eventsPosted,
    long batchesPosted,
    long postFailures,
    long retries,
    long eventsDropped,
    long eventsOverCapacity,
    FateCounts fates) {}
