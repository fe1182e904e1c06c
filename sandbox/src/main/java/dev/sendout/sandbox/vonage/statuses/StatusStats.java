package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.webhook.WebhookCounts;

/**
 * The status webhook counters since the last clear; every duplicate counts as one POST.
 *
 * @param statusesPosted POSTs the receiver answered with a 2xx status
 * @param statusPostFailures POST attempts answered with another status or failed on the network
 * @param statusesPending POSTs waiting for their time, in flight or to be retried
 * @param statusesDropped POSTs given up on
 */
public record StatusStats(
    long statusesPosted, long statusPostFailures, long statusesPending, long statusesDropped) {

  /** Vonage shows statuses refused for lack of room among the dropped ones. */
  static StatusStats of(WebhookCounts counts) {
    return new StatusStats(
        counts.itemsPosted(),
        counts.postFailures(),
        counts.pending(),
        counts.dropped() + counts.overCapacity());
  }
}
