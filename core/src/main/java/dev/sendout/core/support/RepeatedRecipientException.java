package dev.sendout.core.support;

/**
 * An added recipient repeats the address or the externalId of an earlier recipient of the same
 * addition, one that came in an earlier chunk of it (an upload is read, checked and stored a chunk
 * at a time, so the api's check of each chunk cannot see the others): the caller's mistake within
 * its own request, as a repeat within one chunk is. Nothing of the addition is stored: the
 * transaction that met it rolls back. An address the sendout had before the addition is not a
 * repeat: that recipient is invited again, as its own message (an externalId it had before is
 * {@link DuplicateExternalIdException}).
 *
 * @see RecipientAdditions#addAll
 */
public class RepeatedRecipientException extends RuntimeException {

  /** What the recipient repeats. */
  public enum Repeats {
    ADDRESS,
    EXTERNAL_ID
  }

  private final Repeats repeats;
  private final int index;
  private final int earlierIndex;

  /**
   * @param index the recipient's position in its addition, from 0
   * @param earlierIndex the position of the earlier recipient it repeats
   */
  public RepeatedRecipientException(Repeats repeats, int index, int earlierIndex) {
    // No address or id here: messages of exceptions end up in logs.
    super(
        "Recipient %d of the addition repeats the %s of recipient %d"
            .formatted(index, repeats, earlierIndex));
    this.repeats = repeats;
    this.index = index;
    this.earlierIndex = earlierIndex;
  }

  public Repeats repeats() {
    return repeats;
  }

  public int index() {
    return index;
  }

  public int earlierIndex() {
    return earlierIndex;
  }
}
