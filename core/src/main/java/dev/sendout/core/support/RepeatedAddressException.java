package dev.sendout.core.support;

/**
 * An added recipient repeats the address of an earlier recipient of the same addition, one that
 * came in an earlier chunk of it (an upload is read, checked and stored a chunk at a time, so the
 * api's check of each chunk cannot see the others). Nothing of the addition is stored: the
 * transaction that met it rolls back. An address the sendout had before the addition is not a
 * repeat: that recipient is invited again, as its own message.
 *
 * @see RecipientAdditions#addAll
 */
public class RepeatedAddressException extends RuntimeException {

  private final int index;
  private final int earlierIndex;

  /**
   * @param index the recipient's position in its addition, from 0
   * @param earlierIndex the position of the earlier recipient with the same address
   */
  public RepeatedAddressException(int index, int earlierIndex) {
    // No address here: messages of exceptions end up in logs.
    super(
        "Recipient " + index + " of the addition repeats the address of recipient " + earlierIndex);
    this.index = index;
    this.earlierIndex = earlierIndex;
  }

  public int index() {
    return index;
  }

  public int earlierIndex() {
    return earlierIndex;
  }
}
