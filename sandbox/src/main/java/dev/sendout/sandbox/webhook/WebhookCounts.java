package dev.sendout.sandbox.webhook;

/**
 * A snapshot of a {@link WebhookLedger}, which each provider reshapes into the stats it shows.
 *
 * @param pending items planned, queued or being retried, not yet posted or dropped
 * @param itemsPosted items in POSTs the receiver answered with a 2xx status
 * @param postsSucceeded POSTs the receiver answered with a 2xx status
 * @param postFailures POST attempts answered with another status or failed on the network
 * @param retries POST attempts scheduled again after a failure
 * @param dropped items given up on, after the last attempt failed or because webhooks were switched
 *     off before they were sent
 * @param overCapacity items never planned because the cap on pending items was reached
 */
public record WebhookCounts(
    long pending,
    long itemsPosted,
    long postsSucceeded,
    long postFailures,
    long retries,
    long dropped,
    long overCapacity) {}
