package dev.sendout.api.support;

import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.sendout.AddRecipients;
import dev.sendout.workflows.sendout.AddedRanges;
import dev.sendout.workflows.sendout.SendTally;
import dev.sendout.workflows.sendout.SendoutProgress;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.StartSendout;
import dev.sendout.workflows.sendout.SupportAction;
import dev.sendout.workflows.sendout.SupportRefusal;
import dev.sendout.workflows.sendout.WatchdogFindings;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * A sendout workflow that sends nothing and only keeps the state the support actions depend on:
 * paused, cancelled, and the ranges added. Its validators refuse as the real one does, with a
 * {@link SupportRefusal#WRONG_STATE} failure, so the API's handling of Temporal's answers is tested
 * against a real (test) server without the real workflow's activities.
 */
public class FakeSendoutWorkflow implements SendoutWorkflow {

  /** What {@link #resend} answers: a count no other action returns, to tell them apart. */
  static final int RESENT = 7;

  private int recipientCount;
  private boolean paused;
  private boolean cancelled;
  private final List<SeqRange> added = new ArrayList<>();

  @Override
  public SendTally run(StartSendout start) {
    // Tests that need no recipients start it without input.
    recipientCount = start == null ? 0 : start.recipientCount();
    // Runs until a test terminates it: a sendout waiting for receipts.
    Workflow.await(() -> false);
    return SendTally.NONE;
  }

  @Override
  public SendoutProgress progress() {
    return null;
  }

  @Override
  public void batchProgress(BatchProgress progress) {}

  @Override
  public void receiptsArrived() {}

  @Override
  public void watchdogFindings(WatchdogFindings findings) {}

  @Override
  public void recipientsAdded(AddedRanges added) {
    added.ranges().forEach(range -> addRecipients(new AddRecipients(range, null)));
  }

  @Override
  public int addRecipients(AddRecipients addition) {
    SeqRange range = addition.messages();
    if (added.stream().anyMatch(range::overlaps)) {
      return 0;
    }
    added.add(range);
    recipientCount = Math.max(recipientCount, range.toSeq());
    return range.size();
  }

  @Override
  public void validateAddRecipients(AddRecipients addition) {
    refuseIf(cancelled, "The sendout is cancelled");
  }

  @Override
  public int pause(SupportAction action) {
    paused = true;
    return 0;
  }

  /** Reminders skipped and cancelled through this fake. */
  int remindersSkipped;

  boolean remindersCancelled;

  @Override
  public int skipNextReminder(SupportAction action) {
    remindersSkipped++;
    return 0;
  }

  @Override
  public void validateSkipNextReminder(SupportAction action) {
    refuseIf(remindersCancelled, "The reminders are cancelled already");
  }

  @Override
  public int cancelReminders(SupportAction action) {
    remindersCancelled = true;
    return 0;
  }

  @Override
  public void validateCancelReminders(SupportAction action) {
    refuseIf(remindersCancelled, "The reminders are cancelled already");
  }

  @Override
  public void validatePause(SupportAction action) {
    refuseIf(paused, "The sendout is paused already");
  }

  @Override
  public int resume(SupportAction action) {
    paused = false;
    return 0;
  }

  @Override
  public void validateResume(SupportAction action) {
    refuseIf(!paused, "The sendout is not paused");
  }

  @Override
  public int cancel(SupportAction action) {
    cancelled = true;
    return recipientCount;
  }

  @Override
  public void validateCancel(SupportAction action) {
    refuseIf(cancelled, "The sendout is cancelled already");
  }

  @Override
  public int resend(SupportAction action) {
    return RESENT;
  }

  @Override
  public void validateResend(SupportAction action) {}

  @Override
  public int acknowledge(SupportAction action) {
    if ("refused by the store".equals(action.note())) {
      // As the real workflow's handler answers when the store refuses the action's data.
      throw ApplicationFailure.newNonRetryableFailure(
          "The acknowledge action was not taken: SQLState 22021: invalid byte sequence",
          SupportRefusal.STORE_REFUSED);
    }
    return 0;
  }

  @Override
  public void validateAcknowledge(SupportAction action) {}

  private static void refuseIf(boolean refused, String why) {
    if (refused) {
      throw ApplicationFailure.newNonRetryableFailure(why, SupportRefusal.WRONG_STATE);
    }
  }
}
