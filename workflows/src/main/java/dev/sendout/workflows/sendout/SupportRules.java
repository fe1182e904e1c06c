package dev.sendout.workflows.sendout;

/**
 * Which support actions a sendout accepts in the state it is in. The workflow's Update validators
 * call these checks, so that an action that makes no sense is refused, with the reason a person
 * reads ({@link SupportRefusal}), before anything is written to the history.
 *
 * @param finishing the sendout is completing: nothing is accepted any more
 * @param stuck the sendout is flagged stuck and not acknowledged
 */
record SupportRules(
    boolean finishing, boolean cancelling, SendoutStatus status, boolean paused, boolean stuck) {

  void checkAddRecipients(AddRecipients added) {
    checkOpen();
    SeqRange range = added.messages();
    if (range.fromSeq() < 0 || range.size() < 1) {
      throw SupportRefusal.wrongState("No messages in " + range);
    }
  }

  void checkPause() {
    checkOpen();
    if (paused) {
      throw SupportRefusal.wrongState("The sendout is paused already");
    }
    if (status != SendoutStatus.SCHEDULED && status != SendoutStatus.SENDING) {
      throw SupportRefusal.wrongState("Nothing is left to send: the sendout is " + status);
    }
  }

  void checkResume() {
    checkOpen();
    if (!paused) {
      throw SupportRefusal.wrongState("The sendout is not paused");
    }
  }

  void checkCancel() {
    checkOpen();
  }

  void checkResend() {
    checkOpen();
  }

  void checkAcknowledge() {
    checkOpen();
    if (!stuck) {
      throw SupportRefusal.wrongState("The sendout is not flagged stuck");
    }
  }

  /** A finished or cancelled sendout takes no action at all. */
  private void checkOpen() {
    if (finishing) {
      throw SupportRefusal.wrongState("The sendout has finished");
    }
    if (cancelling) {
      throw SupportRefusal.wrongState("The sendout is cancelled");
    }
  }
}
