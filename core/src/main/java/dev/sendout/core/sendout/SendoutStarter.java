package dev.sendout.core.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.CHANNEL;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_ID;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.TENANT_ID;

import dev.sendout.core.channel.Channels;
import dev.sendout.workflows.sendout.AddedRanges;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutCheckpoint;
import dev.sendout.workflows.sendout.SendoutSettings;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.StartSendout;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Starts a sendout's workflow from its stored record: the api's outbox relay starts new sendouts,
 * and the worker's watchdog restarts one whose workflow stopped without finishing it. Safe to call
 * any number of times: the workflow id is the sendout id, a running workflow is reused, and a
 * workflow that completed is never rerun, except to resend what failed ({@link #reopening}) or to
 * send what was added as it completed ({@link #reopenForAdded}).
 */
@Component
public class SendoutStarter {

  private final WorkflowClient temporal;
  private final SendoutStore sendouts;
  private final Clock clock;
  private final String taskQueue;
  private final WorkflowProperties properties;
  private final Channels channels;

  public SendoutStarter(
      WorkflowClient temporal,
      SendoutStore sendouts,
      Clock clock,
      WorkflowProperties properties,
      Channels channels,
      @Value("${sendout.task-queue.workflows}") String taskQueue) {
    this.temporal = temporal;
    this.sendouts = sendouts;
    this.clock = clock;
    this.taskQueue = taskQueue;
    this.properties = properties;
    this.channels = channels;
  }

  /** Starts the workflow of a sendout that has none yet (the outbox). */
  public void start(StoredSendout sendout) {
    start(
        sendout,
        WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
        input(sendout, null, sendout.window() != null, sendout.reminderCount()));
  }

  /**
   * Starts the workflow again for a sendout whose workflow was terminated, failed or timed out
   * without finishing it (the watchdog). A workflow that completed is still never rerun. Returns
   * false when a workflow was running or completed already.
   *
   * <p>The new run starts paused or cancelled as the store has the sendout: a first run knows
   * neither, and would take a resend of a cancelled sendout, or refuse to resume a paused one.
   *
   * @param paused the store has the sendout paused
   * @param withoutReminders the new run sends no reminder waves (a cancelled sendout, or one whose
   *     reminders support staff skipped or cancelled in the run that stopped)
   */
  public boolean restart(StoredSendout sendout, boolean paused, boolean withoutReminders) {
    boolean cancelled = sendout.status() == SendoutStatus.CANCELLED;
    int reminders = withoutReminders || cancelled ? 0 : sendout.reminderCount();
    return start(
        sendout,
        WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
        input(sendout, null, sendout.window() != null, reminders)
            .startingAs(paused && !cancelled, cancelled));
  }

  private boolean start(
      StoredSendout sendout, WorkflowIdReusePolicy reusePolicy, StartSendout input) {
    String when = "sending at " + sendout.sendAt();
    if (sendout.window() != null) {
      when +=
          ", within %s-%s in each recipient's time zone"
              .formatted(sendout.window().start(), sendout.window().end());
    }
    SendoutWorkflow workflow =
        temporal.newWorkflowStub(
            SendoutWorkflow.class, options(sendout, reusePolicy, SendoutStatus.SCHEDULED, when));
    try {
      WorkflowClient.start(workflow::run, input);
      return true;
    } catch (WorkflowExecutionAlreadyStarted alreadyStartedOrFinished) {
      // Started by an earlier call, or already finished: either way there is nothing to do.
      return false;
    }
  }

  /**
   * The workflow of a sendout that completed, started again for an Update that brings it new work
   * (support staff resending, after completion, the messages that failed), with update-with-start:
   * the new run begins with every batch sent and settled ({@link SendoutCheckpoint#completed}), so
   * it sends only what the Update plans, then completes again. A workflow still running is used as
   * it is.
   */
  public record Reopening(WorkflowStub workflow, StartSendout start) {}

  public Reopening reopening(StoredSendout sendout) {
    return reopened(sendout, "reopened to send failed messages again");
  }

  /** What became of messages added to a sendout whose workflow was found closed. */
  public enum LateAddition {
    /** A new run of the completed sendout took them. */
    REOPENED,
    /** The workflow stopped unfinished: the run the watchdog starts from the record takes them. */
    AWAITING_RESTART,
    /** The sendout is cancelled, its survey closed, or it is gone: they can never be sent. */
    NEVER_SENT
  }

  /**
   * Hands messages added to a sendout whose workflow was found closed (an addition committed while
   * the run was finishing, or left QUEUED by it) to a new run, when the sendout completed and may
   * still send: with signal-with-start, the run begins with every batch settled and the QUEUED
   * messages planned ({@link #reopened}), sends them and completes again. A workflow still running
   * takes the signal as an ordinary hand-off. Used by the api's addition relay and by the watchdog
   * alike.
   *
   * <p>Like a resend's, the new run releases them at once and sends no reminders ({@link
   * #reopened}).
   */
  public LateAddition reopenForAdded(UUID sendoutId, List<SeqRange> ranges) {
    StoredSendout sendout = sendouts.find(sendoutId).orElse(null);
    if (sendout == null || !sendout.open(clock.instant())) {
      return LateAddition.NEVER_SENT;
    }
    if (sendout.completedAt() == null) {
      return LateAddition.AWAITING_RESTART;
    }
    Reopening reopening = reopened(sendout, "reopened for recipients added as it completed");
    // Not as the watchdog's hand-over: the new run's checkpoint already plans every QUEUED
    // message, and a range handed over as the watchdog's is planned again, in a second batch
    // that found the first one's sends in flight and made them UNCONFIRMED (then resent).
    reopening
        .workflow()
        .signalWithStart(
            SendoutWorkflow.RECIPIENTS_ADDED,
            new Object[] {new AddedRanges(ranges, false)},
            new Object[] {reopening.start()});
    return LateAddition.REOPENED;
  }

  /**
   * A new run of a completed sendout, which counts as sent only the messages before the first
   * QUEUED one ({@link SendoutStore#countedBeforeFirstQueued}) and sends those after it first
   * thing, as an addition ({@link SendoutCheckpoint#completed(int, int, int)}): a resend that
   * reopened a sendout as recipients were being added to it released them, and they were never sent
   * (an audit's race of resends and additions). It releases what it is handed at once, not within
   * the sendout's delivery windows (a completed checkpoint counts its batches as a run without
   * windows does), and sends no reminder waves: which waves support staff skipped or cancelled
   * lived only in the run before, and waves worked out again from none would go out to everyone
   * they spared.
   */
  private Reopening reopened(StoredSendout sendout, String what) {
    WorkflowOptions options =
        options(
            sendout,
            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
            SendoutStatus.SENDING,
            what);
    StartSendout start =
        input(
            sendout,
            SendoutCheckpoint.completed(
                sendouts.countedBeforeFirstQueued(sendout.id(), sendout.recipientCount()),
                sendout.recipientCount(),
                settings(sendout).batchSize()),
            false,
            0);
    return new Reopening(
        WorkflowStub.fromTyped(temporal.newWorkflowStub(SendoutWorkflow.class, options)), start);
  }

  private WorkflowOptions options(
      StoredSendout sendout, WorkflowIdReusePolicy reusePolicy, SendoutStatus status, String what) {
    String id = sendout.id().toString();
    return WorkflowOptions.newBuilder()
        .setWorkflowId(SendoutWorkflow.workflowId(id))
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setWorkflowIdReusePolicy(reusePolicy)
        .setTypedSearchAttributes(
            SearchAttributes.newBuilder()
                .set(SENDOUT_ID, id)
                .set(TENANT_ID, sendout.tenantId())
                .set(CHANNEL, sendout.channel().name())
                .set(SENDOUT_STATUS, status.name())
                .set(STUCK, false)
                .build())
        .setStaticSummary(
            // "Created with": a summary never changes, and recipients added later are not in it.
            "%s sendout %s: created with %,d recipient%s, %s"
                .formatted(
                    sendout.channel() == Channel.SMS ? "SMS" : "Email",
                    id,
                    // Not its message count: a run started again after reminders or thank-yous
                    // went out counted them as recipients (a survey-features drill).
                    sendout.recipientsOnly(),
                    sendout.recipientsOnly() == 1 ? "" : "s",
                    what))
        .build();
  }

  private StartSendout input(
      StoredSendout sendout, SendoutCheckpoint checkpoint, boolean quietHours, int reminders) {
    return new StartSendout(
        sendout.id().toString(),
        sendout.tenantId(),
        sendout.channel(),
        sendout.recipientCount(),
        sendout.sendAt(),
        settings(sendout),
        checkpoint,
        quietHours,
        reminders,
        sendout.closesAt(),
        sendout.thankYou());
  }

  private SendoutSettings settings(StoredSendout sendout) {
    return channels.of(sendout.channel()).settings(properties, sendout.receiptTimeout());
  }
}
