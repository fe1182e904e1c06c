package dev.sendout.workflows.receipt;

/**
 * Where the provider's receipts have taken some messages.
 *
 * @param awaiting handed to the provider (or being handed) and not yet confirmed either way
 * @param unconfirmed the provider may hold them, but no receipt came in time or the send's outcome
 *     is unknown
 * @param unconfirmedFinal of the unconfirmed, those nothing waits for any more: their recipient
 *     responded (which proves an invitation arrived), or the survey closed or the sendout was
 *     cancelled (after either nothing is sent again). They keep their status, and a late receipt
 *     still settles them in the store, but they hold no batch open. 0 in tallies recorded before it
 *     was counted.
 */
public record DeliveryTally(
    int awaiting,
    int delivered,
    int bounced,
    int dropped,
    int failed,
    int unconfirmed,
    int unconfirmedFinal) {

  public static final DeliveryTally NONE = new DeliveryTally(0, 0, 0, 0, 0, 0);

  /** A tally whose unconfirmed messages are all still waited for. */
  public DeliveryTally(
      int awaiting, int delivered, int bounced, int dropped, int failed, int unconfirmed) {
    this(awaiting, delivered, bounced, dropped, failed, unconfirmed, 0);
  }

  public DeliveryTally plus(DeliveryTally other) {
    return new DeliveryTally(
        awaiting + other.awaiting,
        delivered + other.delivered,
        bounced + other.bounced,
        dropped + other.dropped,
        failed + other.failed,
        unconfirmed + other.unconfirmed,
        unconfirmedFinal + other.unconfirmedFinal);
  }

  /** Messages that still need a receipt: awaiting one, or past their deadline without one. */
  public int open() {
    return awaiting + unconfirmedOpen();
  }

  /** Unconfirmed messages still waited for: someone may yet send them again. */
  public int unconfirmedOpen() {
    return unconfirmed - unconfirmedFinal;
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
