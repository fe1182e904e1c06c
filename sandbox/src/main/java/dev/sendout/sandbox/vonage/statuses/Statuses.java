package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.settings.SettingsChange;
import dev.sendout.sandbox.vonage.AcceptedSms;
import dev.sendout.sandbox.vonage.InvalidParameter;
import dev.sendout.sandbox.webhook.WebhookLedger;
import dev.sendout.sandbox.webhook.WebhookRuns;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * The status webhook side of the fake Vonage as the send path sees it: draw the fate of each
 * accepted SMS, schedule its statuses, and report or forget what happened to them.
 *
 * <p>The send path only plans and schedules; signing and posting happen on the poster's own
 * threads, so a slow or dead receiver never slows down {@code POST /v1/messages}.
 */
@Service
public class Statuses {

  private final StatusSettingsHolder settings;
  private final StatusFateDrawer fates;
  private final StatusPoster poster;
  private final ObjectMapper objectMapper;
  private final WebhookRuns<WebhookLedger> runs = new WebhookRuns<>(WebhookLedger::new);

  public Statuses(
      StatusSettingsHolder settings,
      StatusFateDrawer fates,
      StatusPoster poster,
      ObjectMapper objectMapper) {
    this.settings = settings;
    this.fates = fates;
    this.poster = poster;
    this.objectMapper = objectMapper;
  }

  /**
   * Draws the fate of an accepted SMS and writes its status bodies, without scheduling them. The
   * body of each status is written once, so every duplicate of it is byte for byte the same.
   */
  public StatusPlan plan(AcceptedSms sms) {
    StatusSettings current = settings.current();
    if (!current.enabled()) {
      return StatusPlan.none();
    }
    long acceptedAtNanos = System.nanoTime();
    Fate fate = fates.draw(current);
    List<StatusPlan.Post> posts = new ArrayList<>();
    for (StatusType type : fate.statuses()) {
      long afterMs = type == StatusType.SUBMITTED ? 0 : current.delayMs();
      byte[] body =
          objectMapper.writeValueAsBytes(
              StatusWebhook.of(sms, type, sms.receivedAt().plusMillis(afterMs)));
      long dueNanos = acceptedAtNanos + TimeUnit.MILLISECONDS.toNanos(afterMs);
      for (int copy = 0; copy < current.duplicates(); copy++) {
        posts.add(new StatusPlan.Post(type, body, dueNanos));
      }
    }
    return new StatusPlan(sms.messageUuid(), fate, posts, runs.current());
  }

  /** Schedules the planned statuses, unless that would pass the cap on pending ones. */
  public void send(StatusPlan plan) {
    if (plan.posts().isEmpty()
        || !plan.ledger().reserve(plan.posts().size(), settings.current().maxPendingStatuses())) {
      return;
    }
    poster.start(plan);
  }

  /**
   * Applies a settings change, as {@link StatusSettingsHolder#apply} does, and restarts the fate
   * draws when it carries a seed.
   */
  SettingsChange<StatusSettings, InvalidParameter> update(StatusesUpdate update) {
    SettingsChange<StatusSettings, InvalidParameter> change = settings.apply(update);
    if (change.isApplied() && update.seed() != null) {
      fates.reseed(update.seed());
    }
    return change;
  }

  public StatusStats stats() {
    return StatusStats.of(runs.current().counts());
  }

  /** Forgets every status not yet posted, abandons retries in flight and zeroes the counters. */
  public void clear() {
    runs.clear();
  }
}
