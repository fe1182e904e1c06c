package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.vonage.SmsStore;
import dev.sendout.sandbox.webhook.WebhookDelivery;
import dev.sendout.sandbox.webhook.WebhookLedger;
import dev.sendout.sandbox.webhook.WebhookPoster;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

/**
 * Posts the statuses of each plan one after another through the shared poster, each signed afresh,
 * which retries failures with exponential backoff and gives up on a status after the configured
 * attempts.
 *
 * <p>A plan's next POST is scheduled only once the one before it has finished, so the receiver
 * always gets {@code submitted} before the final status and every duplicate in turn, even with no
 * delay between them or when retries hold one up. Different messages proceed independently.
 */
@Component
class StatusPoster {

  private final SmsStore store;
  private final WebhookPoster poster;

  StatusPoster(StatusSettingsHolder settings, StatusSigner signer, SmsStore store) {
    this.store = store;
    this.poster =
        new WebhookPoster("Status webhook", "vonage-status-poster-", settings::current, signer);
  }

  @PreDestroy
  void stop() {
    poster.stop();
  }

  void start(StatusPlan plan) {
    next(plan, 0);
  }

  private void next(StatusPlan plan, int index) {
    if (index < plan.posts().size()) {
      long delayNanos = plan.posts().get(index).dueNanos() - System.nanoTime();
      poster.schedule(new Delivery(plan, index), delayNanos);
    }
  }

  /** One status of a plan; settling it, posted or given up on, starts the next. */
  private final class Delivery implements WebhookDelivery {

    private final StatusPlan plan;
    private final int index;
    private final StatusPlan.Post post;

    Delivery(StatusPlan plan, int index) {
      this.plan = plan;
      this.index = index;
      this.post = plan.posts().get(index);
    }

    @Override
    public WebhookLedger ledger() {
      return plan.ledger();
    }

    @Override
    public byte[] body() {
      return post.body();
    }

    @Override
    public int items() {
      return 1;
    }

    /** Switching statuses off drops this status and every one after it. */
    @Override
    public int itemsLeft() {
      return plan.posts().size() - index;
    }

    @Override
    public String describe() {
      return post.type().wireName() + " of message " + plan.messageUuid();
    }

    @Override
    public void posted() {
      store.recordPosted(plan.messageUuid(), post.type().wireName());
      next(plan, index + 1);
    }

    @Override
    public void gaveUp() {
      next(plan, index + 1);
    }
  }
}
