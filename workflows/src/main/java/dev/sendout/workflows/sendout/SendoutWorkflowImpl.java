package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;

import dev.sendout.workflows.StoreCalls;
import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.sendout.SendoutActivities.ActionApplied;
import dev.sendout.workflows.sendout.SendoutActivities.ApplyAction;
import dev.sendout.workflows.sendout.SendoutActivities.MarkCompleted;
import dev.sendout.workflows.sendout.SendoutActivities.MarkSent;
import dev.sendout.workflows.sendout.SendoutActivities.ReleaseSendout;
import dev.sendout.workflows.sendout.SendoutActivities.Released;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;

/**
 * Waits for the send time, releases the sendout, then keeps at most {@code maxBatchesInFlight}
 * batch workflows sending until every batch has been sent, and waits until every batch has settled
 * its receipts. A batch frees its place in the window when it reports being sent, so batches
 * waiting a day for receipts never hold up the sending of the others.
 *
 * <p>The batches report through signals (sent, stuck, settled) rather than through their results,
 * because they outlive this run: before its history grows large the workflow continues as new with
 * a {@link SendoutCheckpoint}, and its children, started with {@code ParentClosePolicy.ABANDON},
 * carry on and report to the new run, which has the same workflow id.
 *
 * <p>Support actions (pause, resume, cancel, resend, acknowledge) and added recipients arrive as
 * Updates; added and resent messages get batches of their own after the first release's. The {@code
 * Stuck} flag combines the release deadline, the batches' receipt deadlines and the watchdog's
 * findings ({@link StuckFlag}).
 *
 * <p>The pure parts live beside it: which batch is which ({@link BatchPlan}), what the batches
 * reported ({@link BatchLedger}) and the progress a person reads ({@link ProgressText}).
 */
public class SendoutWorkflowImpl implements SendoutWorkflow {

  private static final Logger log = Workflow.getLogger(SendoutWorkflowImpl.class);

  private final SendoutActivities store =
      Workflow.newActivityStub(SendoutActivities.class, StoreCalls.OPTIONS);

  private final StartSendout start;
  private final BatchPlan plan;
  private final BatchLedger ledger;
  private final StuckFlag stuck;
  private final ProgressText text;
  private final BatchStarter batches;
  private SendoutStatus status = SendoutStatus.SCHEDULED;
  private boolean paused;
  private boolean cancelling;

  /** Set once the sendout is finishing: no support action is accepted any more. */
  private boolean finishing;

  /** Bumped by every report and action, so the main loop can wait for "something changed". */
  private int changes;

  /**
   * Restores a continued run's state before anything else runs. The SDK delivers the signals that
   * are already waiting for a new run before it calls {@link #run}, so a batch's report that
   * arrived while the sendout was continuing as new must find the checkpoint already in place, not
   * be overwritten by it.
   */
  @WorkflowInit
  public SendoutWorkflowImpl(StartSendout start) {
    this.start = start;
    SendoutCheckpoint checkpoint = start.checkpoint();
    int batchSize = start.settings().batchSize();
    if (checkpoint == null) {
      plan = new BatchPlan(start.sendoutId(), batchSize);
      ledger = new BatchLedger();
      stuck = new StuckFlag(StuckFlag.State.NONE, false);
    } else {
      SupportState support = checkpoint.support();
      plan = BatchPlan.restore(start.sendoutId(), batchSize, checkpoint.messageCount(), support);
      ledger = BatchLedger.restore(checkpoint);
      paused = support.paused();
      cancelling = plan.cancelled();
      stuck = new StuckFlag(support.stuck(), ledger.anyStuck());
    }
    text = new ProgressText(start, plan, ledger, stuck);
    batches = new BatchStarter(start, () -> changes++);
  }

  @Override
  public SendTally run(StartSendout start) {
    boolean continued = start.checkpoint() != null;
    if (!continued) {
      // Present from the start, so that "Stuck = false" finds healthy sendouts too.
      Workflow.upsertTypedSearchAttributes(STUCK.valueSet(false));
      awaitSendTime();
      plan.released(releaseBy(start.sendAt()));
      log.info("Released sendout {}: {} messages", start.sendoutId(), plan.messageCount());
    } else {
      // Set again on the new run rather than trusting it to inherit the flag.
      stuck.publish(true);
    }
    if (cancelling) {
      setStatus(SendoutStatus.CANCELLED);
    } else {
      boolean allSent = continued && ledger.sent() == plan.batchCount();
      setStatus(allSent ? SendoutStatus.SENT : SendoutStatus.SENDING);
    }
    sendAndSettle();
    finishing = true;
    store.markCompleted(new MarkCompleted(start.sendoutId(), ledger.receipts()));
    setStatus(cancelling ? SendoutStatus.CANCELLED : SendoutStatus.COMPLETED);
    return ledger.tally();
  }

  private void awaitSendTime() {
    Duration wait = Duration.between(now(), start.sendAt());
    setStatus(SendoutStatus.SCHEDULED);
    if (!wait.isNegative() && !wait.isZero()) {
      // A sendout cancelled before its send time need not wait for it.
      Workflow.await(wait, () -> cancelling);
    }
  }

  /**
   * Releases every QUEUED message of the sendout. Past {@code dueAt} + the release grace with the
   * release still not done (an activity failing, no worker polling), the sendout is flagged {@code
   * NOT_RELEASED} until the release succeeds. Returns the sendout's message count.
   */
  private int releaseBy(Instant dueAt) {
    Promise<Released> released =
        Async.function(store::release, new ReleaseSendout(start.sendoutId()));
    Instant deadline = dueAt.plus(start.settings().releaseGrace());
    while (!released.isCompleted()) {
      int seen = changes;
      Duration left = Duration.between(now(), deadline);
      if (left.isNegative() || left.isZero()) {
        if (!stuck.state().releaseOverdue()) {
          log.warn("Sendout {}: messages not released by {}", start.sendoutId(), deadline);
          stuck.releaseOverdue(true);
        }
        stuck.publish(false);
        describeProgress();
        Workflow.await(() -> released.isCompleted() || changes != seen);
      } else {
        Workflow.await(left, () -> released.isCompleted() || changes != seen);
      }
    }
    int count = released.get().messageCount();
    if (stuck.state().releaseOverdue()) {
      stuck.releaseOverdue(false);
      stuck.publish(false);
    }
    return count;
  }

  /**
   * The send loop: starts batches as the window allows, records the sendout SENT once every batch
   * has sent, and returns once every batch has settled and nothing more was added. Continues as new
   * on the way when the history grows large.
   */
  private void sendAndSettle() {
    while (true) {
      releaseAdditions();
      boolean draining = historyIsLarge();
      if (!draining) {
        startBatches();
      }
      if (ledger.sent() == plan.batchCount()) {
        markSent();
        if (ledger.settledBatches() == plan.batchCount()
            && !plan.hasUnreleased()
            && Workflow.isEveryHandlerFinished()) {
          return;
        }
      }
      if (draining || historyIsLarge()) {
        continueAsNewWhenQuiet();
      }
      awaitChange();
    }
  }

  /** Releases the messages added since the last look, and plans batches for them. */
  private void releaseAdditions() {
    if (!plan.hasUnreleased() || cancelling) {
      return;
    }
    List<SeqRange> ranges = plan.takeUnreleased();
    releaseBy(now());
    if (plan.planAdded(ranges) && status == SendoutStatus.SENT) {
      setStatus(SendoutStatus.SENDING);
    }
  }

  private void startBatches() {
    while (!paused
        && !cancelling
        && ledger.started() < plan.batchCount()
        && ledger.inFlight() < start.settings().maxBatchesInFlight()) {
      batches.start(plan.batch(ledger.startNext()), plan.batchCount());
    }
  }

  private void markSent() {
    if (status == SendoutStatus.SENDING) {
      store.markSent(new MarkSent(start.sendoutId(), ledger.tally()));
      setStatus(SendoutStatus.SENT);
    }
  }

  private void awaitChange() {
    int seen = changes;
    Workflow.await(() -> changes != seen);
    stuck.batchesStuck(ledger.anyStuck());
    stuck.publish(false);
    describeProgress();
  }

  private boolean historyIsLarge() {
    var info = Workflow.getInfo();
    return info.isContinueAsNewSuggested()
        || info.getHistoryLength() >= start.settings().continueAsNewAfterEvents();
  }

  /**
   * Continues as new once every child start of this run is confirmed: the children themselves carry
   * on, and report to the new run.
   */
  private void continueAsNewWhenQuiet() {
    if (batches.allStartsConfirmed()) {
      // Reports that arrived in this same workflow task may not have been handled yet: let them
      // run first, or the checkpoint would miss them and the new run wait for them forever.
      Workflow.await(Workflow::isEveryHandlerFinished);
      SupportState support = plan.carried(paused, stuck.state());
      Workflow.continueAsNew(start.continueFrom(ledger.checkpoint(plan.messageCount(), support)));
    }
  }

  @Override
  public SendoutProgress progress() {
    StuckReason reason = stuck.reason();
    return new SendoutProgress(
        start.sendoutId(),
        status,
        start.sendAt(),
        plan.allMessages(),
        plan.batchCount(),
        ledger.sent(),
        ledger.inFlight(),
        ledger.tally(),
        ledger.receipts(),
        reason,
        reason == StuckReason.NO_RECEIPT && ledger.anyStuck()
            ? ledger.stuckSince()
            : stuck.finding(reason).map(WatchdogFindings.Finding::since).orElse(null),
        ledger.stuckMessages(),
        ledger.stuckSample(SendoutProgress.MAX_SAMPLE),
        paused,
        stuck.acknowledged(),
        stuck.state().watchdog());
  }

  /** Counts each batch once, whatever reports it sends ({@link BatchLedger#record}). */
  @Override
  public void batchProgress(BatchProgress progress) {
    if (!ledger.record(progress)) {
      log.info("Ignoring a report of batch {}, not started by this run", progress.batchNo());
      return;
    }
    changes++;
  }

  @Override
  public void watchdogFindings(WatchdogFindings findings) {
    stuck.watchdog(findings.findings());
    changes++;
  }

  @Override
  public void validateAddRecipients(AddRecipients added) {
    refuseOnceFinished();
    SeqRange range = added.messages();
    if (range.fromSeq() < 0 || range.size() < 1) {
      throw SupportRefusal.wrongState("No messages in " + range);
    }
  }

  @Override
  public int addRecipients(AddRecipients added) {
    if (!plan.add(added.messages())) {
      return 0;
    }
    changes++;
    return added.messages().size();
  }

  @Override
  public void validatePause(SupportAction action) {
    refuseOnceFinished();
    if (paused) {
      throw SupportRefusal.wrongState("The sendout is paused already");
    }
    if (status != SendoutStatus.SCHEDULED && status != SendoutStatus.SENDING) {
      throw SupportRefusal.wrongState("Nothing is left to send: the sendout is " + status);
    }
  }

  @Override
  public int pause(SupportAction action) {
    paused = true;
    return applyAction(SupportActionType.PAUSE, action).messages();
  }

  @Override
  public void validateResume(SupportAction action) {
    refuseOnceFinished();
    if (!paused) {
      throw SupportRefusal.wrongState("The sendout is not paused");
    }
  }

  @Override
  public int resume(SupportAction action) {
    paused = false;
    return applyAction(SupportActionType.RESUME, action).messages();
  }

  @Override
  public void validateCancel(SupportAction action) {
    refuseOnceFinished();
  }

  /**
   * Stops starting batches at once, then cancels in the store every message not yet claimed for a
   * provider call. Batches already sending finish their calls, which find the cancelled messages
   * and skip them; their receipts are still awaited.
   */
  @Override
  public int cancel(SupportAction action) {
    cancelling = true;
    int cancelled = applyAction(SupportActionType.CANCEL, action).messages();
    plan.cancelAt(ledger.started());
    paused = false;
    setStatus(SendoutStatus.CANCELLED);
    return cancelled;
  }

  @Override
  public void validateResend(SupportAction action) {
    refuseOnceFinished();
  }

  /**
   * Moves the UNCONFIRMED and FAILED messages back to RELEASED in the store and sends them in new
   * batches, each spanning at most one batch of sequence numbers. The batches they were first sent
   * in stop counting them, so no message is counted twice.
   */
  @Override
  public int resend(SupportAction action) {
    ActionApplied applied = applyAction(SupportActionType.RESEND, action);
    if (applied.messages() == 0) {
      throw SupportRefusal.wrongState("No UNCONFIRMED or FAILED message to send again");
    }
    plan.planResend(applied.resend());
    if (status == SendoutStatus.SENT) {
      setStatus(SendoutStatus.SENDING);
    }
    return applied.messages();
  }

  @Override
  public void validateAcknowledge(SupportAction action) {
    refuseOnceFinished();
    if (!stuck.isStuck()) {
      throw SupportRefusal.wrongState("The sendout is not flagged stuck");
    }
  }

  @Override
  public int acknowledge(SupportAction action) {
    stuck.acknowledge(action);
    stuck.publish(false);
    describeProgress();
    return applyAction(SupportActionType.ACKNOWLEDGE, action).messages();
  }

  private void refuseOnceFinished() {
    if (finishing) {
      throw SupportRefusal.wrongState("The sendout has finished");
    }
    if (cancelling) {
      throw SupportRefusal.wrongState("The sendout is cancelled");
    }
  }

  /** Records the action in the store (idempotently, by the Update's id) and wakes the loop. */
  private ActionApplied applyAction(SupportActionType type, SupportAction action) {
    String actionId =
        Workflow.getCurrentUpdateInfo()
            .map(info -> info.getUpdateId())
            .orElseGet(() -> Workflow.randomUUID().toString());
    ActionApplied applied =
        store.applyAction(
            new ApplyAction(
                start.sendoutId(), actionId, type, action, start.settings().batchSize()));
    log.info(
        "{} on sendout {} by {}: {} messages",
        type,
        start.sendoutId(),
        action.by(),
        applied.messages());
    changes++;
    describeProgress();
    return applied;
  }

  private void setStatus(SendoutStatus next) {
    status = next;
    Workflow.upsertTypedSearchAttributes(SENDOUT_STATUS.valueSet(next.name()));
    describeProgress();
  }

  private void describeProgress() {
    Workflow.setCurrentDetails(text.describe(status, paused));
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
