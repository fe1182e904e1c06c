package dev.sendout.workflows.sendout;

import dev.sendout.workflows.batch.BatchProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One sendout, workflow id {@code sendout-<sendoutId>}: waits for the send time, releases the
 * messages, fans them out to {@code BatchWorkflow} children over a bounded sliding window, and
 * completes once every batch has settled.
 *
 * <p>Support actions are Updates, so that the caller (the API, or a person in the Temporal UI)
 * learns at once whether the action was taken. Each has a validator that refuses it in a state
 * where it makes no sense, before anything is written to the history; each returns how many
 * messages it affected.
 */
@WorkflowInterface
public interface SendoutWorkflow {

  @WorkflowMethod
  SendTally run(StartSendout start);

  @QueryMethod
  SendoutProgress progress();

  /**
   * A batch reports a change of phase: sent, stuck, settled. A few signals per batch, never one per
   * receipt, so a sendout stays far below the server's limit of signals per execution.
   */
  @SignalMethod
  void batchProgress(BatchProgress progress);

  /**
   * New receipts are in the store for the batch this sendout sends itself: a sendout whose messages
   * fit one batch sends it inline, with no {@code BatchWorkflow} child to signal. The API's receipt
   * notifier sends it, coalesced, when batch 0 has no workflow of its own. Ignored when there is no
   * inline batch.
   */
  @SignalMethod
  void receiptsArrived();

  /** The watchdog's current findings for this sendout; replaces the previous ones. */
  @SignalMethod
  void watchdogFindings(WatchdogFindings findings);

  /** The name of the {@link #recipientsAdded} signal, for untyped stubs. */
  String RECIPIENTS_ADDED = "recipientsAdded";

  /**
   * Releases and sends the messages added since the last hand-off. The API's addition relay sends
   * one per sendout per round, carrying every range stored meanwhile, after the caller has had its
   * 202; ranges known already are ignored, so a hand-off may be repeated.
   */
  @SignalMethod(name = RECIPIENTS_ADDED)
  void recipientsAdded(AddedRanges added);

  /**
   * Refused, always, by its validator: kept only so that histories which took it replay (it
   * released and sent a range added through a synchronous call). The API hands additions over with
   * {@link #recipientsAdded}.
   */
  @UpdateMethod
  int addRecipients(AddRecipients added);

  @UpdateValidatorMethod(updateName = "addRecipients")
  void validateAddRecipients(AddRecipients added);

  /** Stops starting new sends; receipts keep being processed. */
  @UpdateMethod
  int pause(SupportAction action);

  @UpdateValidatorMethod(updateName = "pause")
  void validatePause(SupportAction action);

  @UpdateMethod
  int resume(SupportAction action);

  @UpdateValidatorMethod(updateName = "resume")
  void validateResume(SupportAction action);

  /** Cancels every message not yet handed to the provider; returns how many. */
  @UpdateMethod
  int cancel(SupportAction action);

  @UpdateValidatorMethod(updateName = "cancel")
  void validateCancel(SupportAction action);

  /**
   * Sends the UNCONFIRMED and FAILED messages again, as a new attempt a person chose to make;
   * returns how many.
   */
  @UpdateMethod
  int resend(SupportAction action);

  @UpdateValidatorMethod(updateName = "resend")
  void validateResend(SupportAction action);

  /** Records that a person has seen the current stuck flag and clears {@code Stuck} for it. */
  @UpdateMethod
  int acknowledge(SupportAction action);

  @UpdateValidatorMethod(updateName = "acknowledge")
  void validateAcknowledge(SupportAction action);

  /**
   * Skips the reminder of the next wave: it is sent to nobody still due for it. Returns how many
   * messages it affected in the store (none: the reminders are not created yet).
   */
  @UpdateMethod
  int skipNextReminder(SupportAction action);

  @UpdateValidatorMethod(updateName = "skipNextReminder")
  void validateSkipNextReminder(SupportAction action);

  /** Stops every reminder still to come; the sendout completes once what was sent settles. */
  @UpdateMethod
  int cancelReminders(SupportAction action);

  @UpdateValidatorMethod(updateName = "cancelReminders")
  void validateCancelReminders(SupportAction action);

  static String workflowId(String sendoutId) {
    return "sendout-" + sendoutId;
  }
}
