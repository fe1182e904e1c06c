package dev.sendout.workflows.sendout;

/**
 * Which support actions a sendout accepts in the state it is in. The workflow's Update validators
 * call these checks, so that an action that makes no sense is refused, with the reason a person
 * reads ({@link SupportRefusal}), before anything is written to the history.
 *
 * @param finishing the sendout is completing: nothing is accepted any more
 * @param stuck the sendout is flagged stuck and not acknowledged
 * @param remindersPending a reminder wave is still to come: a pause holds it
 * @param closed the survey has closed: nothing more is sent
 */
record SupportRules(
    boolean finishing,
    boolean cancelling,
    SendoutStatus status,
    boolean paused,
    boolean stuck,
    boolean remindersPending,
    boolean closed) {

  SupportRules(
      boolean finishing, boolean cancelling, SendoutStatus status, boolean paused, boolean stuck) {
    this(finishing, cancelling, status, paused, stuck, false, false);
  }

  /**
   * Who asked, as the log may show it: an email address (by convention, it is one) masked as
   * a***@example.com, a phone number as ***23, other text as given; control characters as ?, for an
   * action of a run from before "by" was checked for them. The audit trail keeps it whole.
   */
  static String forTheLog(String by) {
    if (by == null || by.isEmpty()) {
      return by;
    }
    int at = by.indexOf('@');
    String shown;
    if (at > 0) {
      shown = by.charAt(0) + "***" + by.substring(at);
    } else {
      long digits = by.chars().filter(Character::isDigit).count();
      shown = digits >= 7 ? "***" + by.substring(Math.max(0, by.length() - 2)) : by;
    }
    // An action of a run before "by" was checked for them: no forged line in the log.
    return shown.chars().anyMatch(SupportRules::breaksALine)
        ? shown
            .codePoints()
            .map(c -> breaksALine(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString()
        : shown;
  }

  /** A control character, or Unicode's line or paragraph separator. */
  private static boolean breaksALine(int c) {
    return c < 0x20
        || (c >= 0x7F && c <= 0x9F)
        || c == 0x2028
        || c == 0x2029
        // bidirectional overrides, which show the rest of a log line reversed
        || c == 0x202D
        || c == 0x202E;
  }

  /**
   * Who asks, and for an acknowledgement why: the API fills {@code by} in and requires the note,
   * but an Update sent from the Temporal UI or CLI carries whatever was typed, or nothing. Without
   * this check the action was applied to the workflow and its audit write failed for good.
   */
  static void checkInput(SupportAction action, boolean noteRequired) {
    String example = "{\"by\": \"your name\", \"note\": \"why\"}";
    if (action == null || action.by() == null || action.by().isBlank()) {
      throw SupportRefusal.invalidInput("Say who asks: send the Update's input as " + example);
    }
    if (action.by().chars().anyMatch(SupportRules::breaksALine)) {
      throw SupportRefusal.invalidInput(
          "Say who asks in one line of text, without control characters, as in " + example);
    }
    if (noteRequired && (action.note() == null || action.note().isBlank())) {
      throw SupportRefusal.invalidInput(
          "Say what was seen: an acknowledgement needs a note, as in " + example);
    }
  }

  void checkPause() {
    checkOpen();
    if (paused) {
      throw SupportRefusal.wrongState("The sendout is paused already");
    }
    if (status != SendoutStatus.SCHEDULED && status != SendoutStatus.SENDING && !remindersPending) {
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
    if (closed) {
      // The close cut what was still to go: messages moved back to RELEASED would wait for good.
      throw SupportRefusal.wrongState("The survey has closed: nothing is sent again after it");
    }
  }

  /**
   * A cancelled sendout is acknowledged too: messages it sent before the cancel may go unconfirmed
   * and keep it flagged, and nothing else clears the flag.
   */
  void checkAcknowledge() {
    if (finishing) {
      throw SupportRefusal.wrongState("The sendout has finished");
    }
    if (!stuck) {
      throw SupportRefusal.wrongState(
          "The sendout is not flagged stuck, or every flag it has is acknowledged already");
    }
  }

  void checkSkipReminder(ReminderSchedule reminders) {
    checkOpen();
    checkReminders(reminders);
    if (reminders.nextAt() == null) {
      // Worked out again by the sendout after each skip, and first once invitations are sent.
      throw SupportRefusal.wrongState(
          reminders.skipped() != 0 && reminders.computedAtSent() == -1
              ? "The next reminder wave is being worked out after the last skip: ask again in a"
                  + " moment"
              : "No reminder wave is scheduled");
    }
  }

  void checkCancelReminders(ReminderSchedule reminders) {
    checkOpen();
    checkReminders(reminders);
  }

  private static void checkReminders(ReminderSchedule reminders) {
    if (reminders == null) {
      throw SupportRefusal.wrongState("The sendout has no reminders");
    }
    if (reminders.closed()) {
      throw SupportRefusal.wrongState("The survey has closed");
    }
    if (reminders.cancelled()) {
      throw SupportRefusal.wrongState("The reminders are cancelled already");
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
