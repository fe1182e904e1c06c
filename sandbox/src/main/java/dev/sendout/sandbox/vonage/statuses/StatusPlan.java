package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.webhook.WebhookLedger;
import java.util.List;

/**
 * The fate drawn for one accepted SMS and the status POSTs it leads to, planned before the message
 * record is written and scheduled only after, so whoever receives a status can always find the
 * message's fate.
 */
public final class StatusPlan {

  /**
   * One POST to make.
   *
   * @param type the status it carries
   * @param body the exact bytes to post; every duplicate of a status shares them
   * @param dueNanos the earliest time to post it, on the {@link System#nanoTime()} clock
   */
  record Post(StatusType type, byte[] body, long dueNanos) {}

  private static final StatusPlan NONE = new StatusPlan(null, null, List.of(), null);

  private final String messageUuid;
  private final Fate fate;
  private final List<Post> posts;
  private final WebhookLedger ledger;

  StatusPlan(String messageUuid, Fate fate, List<Post> posts, WebhookLedger ledger) {
    this.messageUuid = messageUuid;
    this.fate = fate;
    this.posts = posts;
    this.ledger = ledger;
  }

  /** The plan of a message accepted while status webhooks were off: no fate and no posts. */
  static StatusPlan none() {
    return NONE;
  }

  /** The drawn outcome, or null when status webhooks were off. */
  public Fate.Outcome outcome() {
    return fate == null ? null : fate.outcome();
  }

  /** The names of the statuses the fate leads to, in order, before any duplicates. */
  public List<String> statusesPlanned() {
    return fate == null ? List.of() : fate.statuses().stream().map(StatusType::wireName).toList();
  }

  String messageUuid() {
    return messageUuid;
  }

  /** The POSTs in the order they must arrive: each waits until the one before has finished. */
  List<Post> posts() {
    return posts;
  }

  WebhookLedger ledger() {
    return ledger;
  }
}
