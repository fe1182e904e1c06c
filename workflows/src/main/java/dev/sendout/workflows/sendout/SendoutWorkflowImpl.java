package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.CHANNEL;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_ID;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.TENANT_ID;

import dev.sendout.workflows.StoreCalls;
import dev.sendout.workflows.batch.BatchPhase;
import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.batch.BatchWorkflow;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.batch.StartBatch;
import dev.sendout.workflows.receipt.DeliveryTally;
import dev.sendout.workflows.sendout.SendoutActivities.ActionApplied;
import dev.sendout.workflows.sendout.SendoutActivities.ApplyAction;
import dev.sendout.workflows.sendout.SendoutActivities.MarkCompleted;
import dev.sendout.workflows.sendout.SendoutActivities.MarkSent;
import dev.sendout.workflows.sendout.SendoutActivities.ReleaseSendout;
import dev.sendout.workflows.sendout.SendoutActivities.Released;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
 */
public class SendoutWorkflowImpl implements SendoutWorkflow {

  private static final Logger log = Workflow.getLogger(SendoutWorkflowImpl.class);

  private final SendoutActivities store =
      Workflow.newActivityStub(SendoutActivities.class, StoreCalls.OPTIONS);

  private final StartSendout start;
  private SendoutStatus status = SendoutStatus.SCHEDULED;
  private int messageCount;
  private int nextBatch;
  private SendTally tally = SendTally.NONE;
  private int reported;
  private int settledBatches;
  private DeliveryTally settled = DeliveryTally.NONE;
  private final Map<Integer, BatchProgress> unsettled = new TreeMap<>();

  /** Batches beyond those of the first release: added recipients and resends. */
  private final List<SendBatch> laterBatches = new ArrayList<>();

  /**
   * Ranges of added messages accepted so far; those not yet released wait in {@link #toRelease}.
   */
  private final List<SeqRange> additions = new ArrayList<>();

  private final List<SeqRange> toRelease = new ArrayList<>();
  private boolean paused;
  private boolean cancelling;
  private Integer cancelledAtBatch;

  /** Set once the sendout is finishing: no support action is accepted any more. */
  private boolean finishing;

  private final StuckFlag stuck;

  /** Child starts not yet confirmed by the server; a continue-as-new waits for them. */
  private final List<Promise<WorkflowExecution>> starting = new ArrayList<>();

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
    StuckFlag.State stuckState = StuckFlag.State.NONE;
    if (start.checkpoint() != null) {
      restore(start.checkpoint());
      SupportState support = start.checkpoint().support();
      laterBatches.addAll(support.laterBatches());
      additions.addAll(support.additions());
      toRelease.addAll(support.toRelease());
      paused = support.paused();
      cancelledAtBatch = support.cancelledAtBatch();
      cancelling = cancelledAtBatch != null;
      stuckState = support.stuck();
    }
    stuck = new StuckFlag(stuckState, !stuckBatches().isEmpty());
  }

  @Override
  public SendTally run(StartSendout start) {
    SendoutCheckpoint checkpoint = start.checkpoint();
    if (checkpoint == null) {
      // Present from the start, so that "Stuck = false" finds healthy sendouts too.
      Workflow.upsertTypedSearchAttributes(STUCK.valueSet(false));
      awaitSendTime();
      messageCount = releaseBy(start.sendAt());
      log.info("Released sendout {}: {} messages", start.sendoutId(), messageCount);
    } else {
      // Set again on the new run rather than trusting it to inherit the flag.
      stuck.publish(true);
    }
    if (cancelling) {
      setStatus(SendoutStatus.CANCELLED);
    } else {
      setStatus(
          reported == batchCount() && checkpoint != null
              ? SendoutStatus.SENT
              : SendoutStatus.SENDING);
    }
    sendAndSettle();
    finishing = true;
    store.markCompleted(new MarkCompleted(start.sendoutId(), receipts()));
    setStatus(cancelling ? SendoutStatus.CANCELLED : SendoutStatus.COMPLETED);
    return tally;
  }

  /**
   * Starts batches as the window allows, records the sendout SENT once every batch has sent, and
   * returns once every batch has settled and nothing more was added. Continues as new on the way
   * when the history grows large.
   */
  private void sendAndSettle() {
    while (true) {
      releaseAdditions();
      boolean draining = historyIsLarge();
      if (!draining) {
        startBatches();
      }
      if (reported == batchCount()) {
        markSent();
        if (settledBatches == batchCount()
            && toRelease.isEmpty()
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

  @Override
  public SendoutProgress progress() {
    List<BatchProgress> stuckBatches = stuckBatches();
    StuckReason reason = stuck.reason();
    return new SendoutProgress(
        start.sendoutId(),
        status,
        start.sendAt(),
        messageCount + addedMessages(),
        batchCount(),
        reported,
        nextBatch - reported,
        tally,
        receipts(),
        reason,
        reason == StuckReason.NO_RECEIPT && !stuckBatches.isEmpty()
            ? stuckSince(stuckBatches)
            : watchdogSince(reason),
        stuckMessages(stuckBatches),
        stuckBatches.stream()
            .flatMap(b -> b.receipts().unconfirmedSample().stream())
            .limit(SendoutProgress.MAX_SAMPLE)
            .toList(),
        paused,
        stuck.acknowledged(),
        stuck.state().watchdog());
  }

  /**
   * Counts each batch once, whatever reports it sends. A run the watchdog restarted may hear from
   * batches its previous run left running: a report from a batch this run has not started yet is
   * ignored (it is asked to report again once started), and a repeated one counts once.
   */
  @Override
  public void batchProgress(BatchProgress progress) {
    int batchNo = progress.batchNo();
    if (batchNo >= nextBatch) {
      log.info("Ignoring a report of batch {}, not started by this run", batchNo);
      return;
    }
    boolean counted = unsettled.containsKey(batchNo);
    switch (progress.phase()) {
      case SENDING -> {}
      case AWAITING_RECEIPTS, STUCK -> {
        if (!counted) {
          countSent(progress);
        }
        unsettled.put(batchNo, progress);
      }
      case SETTLED -> {
        if (unsettled.remove(batchNo) == null) {
          countSent(progress);
        }
        settledBatches++;
        settled = settled.plus(progress.receipts().tally());
      }
    }
    changes++;
  }

  private void countSent(BatchProgress progress) {
    reported++;
    tally = tally.plus(progress.sent());
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
    SeqRange range = added.messages();
    boolean known = range.toSeq() <= messageCount || additions.stream().anyMatch(range::overlaps);
    if (known) {
      return 0;
    }
    additions.add(range);
    toRelease.add(range);
    changes++;
    return range.size();
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
    cancelledAtBatch = nextBatch;
    toRelease.clear();
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
    for (SeqRange range : applied.resend()) {
      laterBatches.add(
          new SendBatch(start.sendoutId(), batchCount(), range.fromSeq(), range.toSeq()));
    }
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

  private void restore(SendoutCheckpoint checkpoint) {
    messageCount = checkpoint.messageCount();
    nextBatch = checkpoint.nextBatch();
    tally = checkpoint.tally();
    reported = checkpoint.reported();
    settledBatches = checkpoint.settledBatches();
    settled = checkpoint.settled();
    unsettled.putAll(checkpoint.unsettled());
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

  /** Releases the messages added since the last look, and plans batches for them. */
  private void releaseAdditions() {
    if (toRelease.isEmpty() || cancelling) {
      return;
    }
    List<SeqRange> ranges = new ArrayList<>(toRelease);
    toRelease.clear();
    releaseBy(now());
    // Added before the first release, they were released and planned with the sendout's own.
    ranges.removeIf(range -> range.toSeq() <= messageCount);
    int batchSize = start.settings().batchSize();
    for (SeqRange range : ranges) {
      for (int from = range.fromSeq(); from < range.toSeq(); from += batchSize) {
        laterBatches.add(
            new SendBatch(
                start.sendoutId(), batchCount(), from, Math.min(from + batchSize, range.toSeq())));
      }
    }
    if (!ranges.isEmpty() && status == SendoutStatus.SENT) {
      setStatus(SendoutStatus.SENDING);
    }
  }

  private void startBatches() {
    while (!paused
        && !cancelling
        && nextBatch < batchCount()
        && nextBatch - reported < start.settings().maxBatchesInFlight()) {
      startBatch(batch(nextBatch++));
    }
  }

  private void markSent() {
    if (status == SendoutStatus.SENDING) {
      store.markSent(new MarkSent(start.sendoutId(), tally));
      setStatus(SendoutStatus.SENT);
    }
  }

  private void awaitChange() {
    int seen = changes;
    Workflow.await(() -> changes != seen);
    stuck.batchesStuck(!stuckBatches().isEmpty());
    stuck.publish(false);
    describeProgress();
  }

  /**
   * Continues as new once every child start of this run is confirmed: the children themselves carry
   * on, and report to the new run.
   */
  private void continueAsNewWhenQuiet() {
    if (starting.stream().allMatch(Promise::isCompleted)) {
      // Reports that arrived in this same workflow task may not have been handled yet: let them
      // run first, or the checkpoint would miss them and the new run wait for them forever.
      Workflow.await(Workflow::isEveryHandlerFinished);
      Workflow.continueAsNew(
          start.continueFrom(
              new SendoutCheckpoint(
                  messageCount,
                  nextBatch,
                  tally,
                  reported,
                  settledBatches,
                  settled,
                  new TreeMap<>(unsettled),
                  new SupportState(
                      List.copyOf(laterBatches),
                      List.copyOf(additions),
                      List.copyOf(toRelease),
                      paused,
                      cancelledAtBatch,
                      stuck.state()))));
    }
  }

  /** Batch {@code n}: one of the first release's, in order of sequence numbers, or a later one. */
  private SendBatch batch(int batchNo) {
    int initial = initialBatchCount();
    if (batchNo >= initial) {
      return laterBatches.get(batchNo - initial);
    }
    int batchSize = start.settings().batchSize();
    int fromSeq = batchNo * batchSize;
    return new SendBatch(
        start.sendoutId(), batchNo, fromSeq, Math.min(fromSeq + batchSize, messageCount));
  }

  private int initialBatchCount() {
    int batchSize = start.settings().batchSize();
    return (messageCount + batchSize - 1) / batchSize;
  }

  /** Every batch planned; once cancelled, only those started by then. */
  private int batchCount() {
    return cancelledAtBatch != null ? cancelledAtBatch : initialBatchCount() + laterBatches.size();
  }

  private int addedMessages() {
    return additions.stream()
        .filter(range -> range.fromSeq() >= messageCount)
        .mapToInt(SeqRange::size)
        .sum();
  }

  private void startBatch(SendBatch range) {
    int batchNo = range.batchNo();
    var options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(BatchWorkflow.workflowId(start.sendoutId(), batchNo))
            .setStaticSummary(
                "Batch %d of %d for sendout %s: %d messages"
                    .formatted(
                        batchNo + 1,
                        batchCount(),
                        start.sendoutId(),
                        range.toSeq() - range.fromSeq()))
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(SENDOUT_ID, start.sendoutId())
                    .set(TENANT_ID, start.tenantId())
                    .set(CHANNEL, start.channel().name())
                    .set(STUCK, false)
                    .build());
    BatchWorkflow batch = Workflow.newChildWorkflowStub(BatchWorkflow.class, options.build());
    StartBatch input =
        StartBatch.of(
            range,
            start.settings().deliveryTaskQueue(),
            start.settings().messagesPerCall(),
            start.settings().receiptTimeout());
    Promise<SendTally> result = Async.function(batch::run, input);
    // The batch reports by signal; its result, or the failure of a start refused below, is not
    // needed, and is marked seen so that the SDK does not warn about it.
    result.handle((sent, failure) -> null);
    Promise<WorkflowExecution> started = Workflow.getWorkflowExecution(batch);
    starting.removeIf(Promise::isCompleted);
    starting.add(started);
    started.handle(
        (execution, failure) -> {
          if (failure != null) {
            batchDidNotStart(batchNo, failure);
          }
          changes++;
          return null;
        });
  }

  /**
   * A batch whose id is still taken by a running workflow: this run was restarted (by the watchdog)
   * while batches of the previous run carried on, abandoned. Asks that batch to report again, so
   * that this run counts it.
   */
  private void batchDidNotStart(int batchNo, Exception failure) {
    String batchId = BatchWorkflow.workflowId(start.sendoutId(), batchNo);
    if (failure instanceof ChildWorkflowFailure child
        && child.getCause() instanceof WorkflowExecutionAlreadyStarted) {
      // The SDK fails the start with a ChildWorkflowFailure caused by
      // WorkflowExecutionAlreadyStarted.
      log.info("Batch {} is still running from an earlier run: asking it to report", batchId);
      Workflow.newExternalWorkflowStub(BatchWorkflow.class, batchId).reportAgain();
      return;
    }
    log.error("Batch {} did not start", batchId, failure);
  }

  private boolean historyIsLarge() {
    var info = Workflow.getInfo();
    return info.isContinueAsNewSuggested()
        || info.getHistoryLength() >= start.settings().continueAsNewAfterEvents();
  }

  private DeliveryTally receipts() {
    DeliveryTally sum = settled;
    for (BatchProgress batch : unsettled.values()) {
      sum = sum.plus(batch.receipts().tally());
    }
    return sum;
  }

  private List<BatchProgress> stuckBatches() {
    return unsettled.values().stream().filter(b -> b.phase() == BatchPhase.STUCK).toList();
  }

  private static int stuckMessages(List<BatchProgress> stuck) {
    return stuck.stream().mapToInt(b -> b.receipts().tally().unconfirmed()).sum();
  }

  private static Instant stuckSince(List<BatchProgress> stuck) {
    return stuck.stream()
        .map(b -> b.receipts().unconfirmedSince())
        .filter(Objects::nonNull)
        .min(Comparator.naturalOrder())
        .orElse(null);
  }

  private Instant watchdogSince(StuckReason reason) {
    return stuck.state().watchdog().stream()
        .filter(f -> f.reason() == reason)
        .map(WatchdogFindings.Finding::since)
        .findFirst()
        .orElse(null);
  }

  private void setStatus(SendoutStatus next) {
    status = next;
    Workflow.upsertTypedSearchAttributes(SENDOUT_STATUS.valueSet(next.name()));
    describeProgress();
  }

  private void describeProgress() {
    String details =
        switch (status) {
          case SCHEDULED ->
              "Scheduled: %d recipients, sending at %s"
                  .formatted(start.recipientCount(), start.sendAt());
          case SENDING ->
              ("Sending: %d of %d batches sent, %d sending; %d of %d messages handed"
                      + " to the provider (%d accepted, %d failed, %d unconfirmed)")
                  .formatted(
                      reported,
                      batchCount(),
                      nextBatch - reported,
                      tally.total(),
                      messageCount + addedMessages(),
                      tally.accepted(),
                      tally.failed(),
                      tally.unconfirmed());
          case SENT ->
              "Sent %d messages; receipts: %s"
                  .formatted(messageCount + addedMessages(), receipts());
          case COMPLETED -> "Completed: %d messages; %s".formatted(messageCount, receipts());
          case CANCELLED ->
              "Cancelled: %d of %d batches were started; receipts: %s"
                  .formatted(nextBatch, initialBatchCount() + laterBatches.size(), receipts());
        };
    Workflow.setCurrentDetails(stuckLine() + (paused ? "PAUSED. " : "") + details);
  }

  /** Why the sendout is stuck and since when, first thing in its details. */
  private String stuckLine() {
    StuckReason reason = stuck.reason();
    if (reason == null) {
      return "";
    }
    SupportAction acknowledged = stuck.acknowledged();
    String ack =
        acknowledged == null
            ? ""
            : " (acknowledged by %s: %s)".formatted(acknowledged.by(), acknowledged.note());
    if (reason == StuckReason.NO_RECEIPT && !stuckBatches().isEmpty()) {
      List<BatchProgress> stuckBatches = stuckBatches();
      return "STUCK (NO_RECEIPT)%s: %d messages unconfirmed since %s in %d batches. "
          .formatted(
              ack, stuckMessages(stuckBatches), stuckSince(stuckBatches), stuckBatches.size());
    }
    if (reason == StuckReason.NOT_RELEASED && stuck.state().releaseOverdue()) {
      return "STUCK (NOT_RELEASED)%s: the release is overdue; its activity keeps failing. "
          .formatted(ack);
    }
    return stuck.state().watchdog().stream()
        .filter(f -> f.reason() == reason)
        .findFirst()
        .map(
            f ->
                "STUCK (%s)%s: %s, since %s (found by the watchdog). "
                    .formatted(reason, ack, f.detail(), f.since()))
        .orElse("STUCK (%s)%s. ".formatted(reason, ack));
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
