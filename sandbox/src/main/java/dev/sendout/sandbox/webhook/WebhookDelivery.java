package dev.sendout.sandbox.webhook;

/**
 * One body to post as often as it takes, with what the provider does once it is settled.
 *
 * <p>A SendGrid batch is one delivery of many events; a Vonage status is one delivery of one item
 * that, once settled, starts the next status of its message.
 */
public interface WebhookDelivery {

  /** The run it belongs to. */
  WebhookLedger ledger();

  /** The exact bytes that are signed and posted. */
  byte[] body();

  /** How many items the body carries, counted as posted or dropped with it. */
  int items();

  /**
   * How many items to drop when webhooks turn out to be switched off by the time this is due: the
   * items of this delivery and of any that would have followed it.
   */
  default int itemsLeft() {
    return items();
  }

  /** Names what is posted for the log, without addresses or tokens. */
  String describe();

  /** Runs after a successful POST has been counted. */
  default void posted() {}

  /** Runs after the delivery was dropped for good on its last failed attempt. */
  default void gaveUp() {}
}
