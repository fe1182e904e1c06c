package dev.sendout.sandbox.webhook;

import dev.sendout.sandbox.sendgrid.events.Receipts;
import dev.sendout.sandbox.vonage.statuses.Statuses;
import org.springframework.stereotype.Component;

/**
 * The receipts and statuses the sandbox has yet to post to the receiver, queued, delayed or being
 * retried. A real provider keeps those and posts them once the receiver is back; this sandbox holds
 * them in memory, so whoever stops it first lets this reach 0 (the embedded engine does, for a
 * while, before it stops the api).
 */
@Component
public class PendingWebhooks {

  private final Receipts receipts;
  private final Statuses statuses;

  public PendingWebhooks(Receipts receipts, Statuses statuses) {
    this.receipts = receipts;
    this.statuses = statuses;
  }

  public long count() {
    return receipts.stats().pendingEvents() + statuses.stats().statusesPending();
  }
}
