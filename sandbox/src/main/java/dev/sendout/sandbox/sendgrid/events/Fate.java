package dev.sendout.sandbox.sendgrid.events;

/**
 * What the fake SendGrid decided, when it accepted a personalization, will happen to it. It is kept
 * with the message record so that a test can tell exactly which messages were silenced, dropped or
 * bounced, and so which receipts the engine must never see.
 *
 * @param outcome the final state the events report
 * @param deferred whether a deferred event comes before the delivery
 * @param bouncedAfterDelivery whether a bounce follows the delivered event
 * @param outOfOrder whether the events are sent newest first
 * @param blocked whether bounces are reported with type blocked rather than bounce
 * @param customArgsOmitted whether bounce events leave out the custom args
 */
public record Fate(
    Outcome outcome,
    boolean deferred,
    boolean bouncedAfterDelivery,
    boolean outOfOrder,
    boolean blocked,
    boolean customArgsOmitted) {

  public enum Outcome {
    DELIVERED,
    BOUNCED,
    DROPPED,
    /** Accepted, and then never a single event: the failure the engine must notice by itself. */
    SILENT
  }

  boolean bounces() {
    return outcome == Outcome.BOUNCED || bouncedAfterDelivery;
  }
}
