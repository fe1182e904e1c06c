package dev.sendout.core.support;

/**
 * An added recipient carries an {@code externalId} that the sendout already has, from an earlier
 * addition, from its creation or from earlier in the same addition. Nothing of the addition is
 * stored: the transaction that met it rolls back, and {@link CombinedAdditions} stores the other
 * additions of its group again on their own, so only this one fails.
 *
 * @see RecipientAdditions#addAll
 */
public class DuplicateExternalIdException extends RuntimeException {

  private final int index;
  private final String externalId;

  /**
   * @param index the recipient's position in its addition, from 0 (the upload's n-th recipient)
   * @param externalId the id that is taken
   */
  public DuplicateExternalIdException(int index, String externalId) {
    super("Recipient " + index + " of the addition repeats an externalId of the sendout");
    this.index = index;
    this.externalId = externalId;
  }

  public int index() {
    return index;
  }

  public String externalId() {
    return externalId;
  }
}
