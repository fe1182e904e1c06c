package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.sendgrid.RenderedPersonalization;
import dev.sendout.sandbox.webhook.WebhookRuns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Service;

/**
 * The Event Webhook side of the fake SendGrid as the mail send path sees it: draw the fate of each
 * accepted personalization, queue its events, and report or forget what happened to them.
 *
 * <p>The mail send path only plans and enqueues; batching, signing and posting happen on the
 * dispatcher's and poster's own threads, so a slow or dead receiver never slows down mail sends.
 */
@Service
public class Receipts {

  private final ReceiptSettingsHolder settings;
  private final ReceiptFateDrawer fates;
  private final ReceiptDispatcher dispatcher;
  private final WebhookRuns<ReceiptLedger> runs = new WebhookRuns<>(ReceiptLedger::new);
  private final AtomicLong sequence = new AtomicLong();

  public Receipts(
      ReceiptSettingsHolder settings, ReceiptFateDrawer fates, ReceiptDispatcher dispatcher) {
    this.settings = settings;
    this.fates = fates;
    this.dispatcher = dispatcher;
  }

  /** Draws the fates of one accepted mail send and plans its events, without queueing them. */
  public ReceiptPlan plan(String xMessageId, List<RenderedPersonalization> personalizations) {
    ReceiptSettings current = settings.current();
    if (!current.enabled()) {
      return ReceiptPlan.none(personalizations.size());
    }
    ReceiptLedger run = runs.current();
    long acceptedAtMs = System.currentTimeMillis();
    long acceptedAtNanos = System.nanoTime();
    List<Fate> drawn = new ArrayList<>(personalizations.size());
    List<PendingEvent> events = new ArrayList<>(personalizations.size() * 2);
    int index = 0;
    for (RenderedPersonalization personalization : personalizations) {
      Fate fate = fates.draw(current);
      run.countFate(fate);
      drawn.add(fate);
      List<EventTimeline.Step> steps = EventTimeline.of(fate, current.deliveryDelayMs());
      for (String email : recipients(personalization.to())) {
        Recipient recipient =
            new Recipient(email, personalization.messageId(), xMessageId, index++, fate, run);
        for (EventTimeline.Step step : steps) {
          WebhookEvent event = event(recipient, step, acceptedAtMs);
          long dueNanos = acceptedAtNanos + TimeUnit.MILLISECONDS.toNanos(step.sentAfterMs());
          addCopies(events, event, dueNanos, current.duplicates());
        }
      }
    }
    return new ReceiptPlan(drawn, events, run);
  }

  /** Queues the planned events, unless that would pass the cap on pending events. */
  public void send(ReceiptPlan plan) {
    List<PendingEvent> events = plan.events();
    if (events.isEmpty()
        || !plan.ledger().reserve(events.size(), settings.current().maxPendingEvents())) {
      return;
    }
    dispatcher.enqueue(events);
  }

  public ReceiptStats stats() {
    return runs.current().stats();
  }

  /** Forgets every event not yet sent, abandons retries in flight and zeroes the counters. */
  public void clear() {
    runs.clear();
    dispatcher.discardRetired();
  }

  private static WebhookEvent event(
      Recipient recipient, EventTimeline.Step step, long acceptedAtMs) {
    // Event ids come from fresh randomness even when fates are seeded: they must be unique across
    // runs, not repeatable.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new WebhookEvent(
        step.type(),
        (acceptedAtMs + step.happenedAfterMs()) / 1000,
        random.nextLong(),
        random.nextLong(),
        recipient);
  }

  /** Adds every copy of the event, all sharing it and so its sg_event_id. */
  private void addCopies(
      List<PendingEvent> events, WebhookEvent event, long dueNanos, int duplicates) {
    for (int copy = 0; copy < duplicates; copy++) {
      events.add(new PendingEvent(event, copy, dueNanos, sequence.getAndIncrement()));
    }
  }

  /**
   * Splits the comma-separated {@code to} of a rendered personalization; SendGrid reports every
   * recipient separately, and addresses cannot contain the separator since they hold no spaces.
   */
  private static List<String> recipients(String to) {
    return to.indexOf(',') < 0 ? List.of(to) : Arrays.asList(to.split(", "));
  }
}
