package dev.sendout.workflows.receipt;

/**
 * Where the provider's receipts have taken some messages.
 *
 * @param awaiting handed to the provider (or being handed) and not yet confirmed either way
 * @param unconfirmed the provider may hold them, but no receipt came in time or the send's outcome
 *     is unknown
 */
public record DeliveryTally(
    int awaiting, int delivered, int bounced, int dropped, int failed, int unconfirmed) {

  public static final DeliveryTally NONE = new DeliveryTally(0, 0, 0, 0, 0, 0);

  public DeliveryTally plus(DeliveryTally other) {
    return new DeliveryTally(
        awaiting + other.awaiting,
        delivered + other.delivered,
        bounced + other.bounced,
        dropped + other.dropped,
        failed + other.failed,
        unconfirmed + other.unconfirmed);
  }

  /** Messages that still need a receipt: awaiting one, or past their deadline without one. */
  public int open() {
    return awaiting + unconfirmed;
  }

  public int total() {
    return awaiting + delivered + bounced + dropped + failed + unconfirmed;
  }

  @Override
  public String toString() {
    return "%d delivered, %d bounced, %d dropped, %d failed, %d unconfirmed, %d awaiting receipts"
        .formatted(delivered, bounced, dropped, failed, unconfirmed, awaiting);
  }
}
