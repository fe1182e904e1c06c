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
import dev.sendout.workflows.sendout.SendoutActivities.MarkCompleted;
import dev.sendout.workflows.sendout.SendoutActivities.MarkSent;
import dev.sendout.workflows.sendout.SendoutActivities.ReleaseSendout;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.SearchAttributes;
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
 * <p>Sendouts started before receipts were tracked ({@link SendoutSettings#tracksReceipts()} is
 * false) keep their original behaviour, so that their histories replay: each batch holds its place
 * until it completes, the workflow drains its batches before continuing as new, and it ends SENT.
 */
public class SendoutWorkflowImpl implements SendoutWorkflow {

  private static final Logger log = Workflow.getLogger(SendoutWorkflowImpl.class);

  private final SendoutActivities store =
      Workflow.newActivityStub(SendoutActivities.class, StoreCalls.OPTIONS);

  private final StartSendout start;
  private SendoutStatus status = SendoutStatus.SCHEDULED;
  private int messageCount;
  private int batchCount;
  private int nextBatch;
  private SendTally tally = SendTally.NONE;
  private int reported;
  private int settledBatches;
  private DeliveryTally settled = DeliveryTally.NONE;
  private final Map<Integer, BatchProgress> unsettled = new TreeMap<>();

  /** Child starts not yet confirmed by the server; a continue-as-new waits for them. */
  private final List<Promise<WorkflowExecution>> starting = new ArrayList<>();

  /** Bumped by every report, so the main loop can wait for "something changed". */
  private int changes;

  private boolean flaggedStuck;

  /**
   * Restores a continued run's state before anything else runs. The SDK delivers the signals that
   * are already waiting for a new run before it calls {@link #run}, so a batch's report that
   * arrived while the sendout was continuing as new must find the checkpoint already in place, not
   * be overwritten by it.
   */
  @WorkflowInit
  public SendoutWorkflowImpl(StartSendout start) {
    this.start = start;
    if (start.checkpoint() != null) {
      restore(start.checkpoint());
    }
  }

  @Override
  public SendTally run(StartSendout start) {
    SendoutCheckpoint checkpoint = start.checkpoint();
    if (checkpoint == null) {
      if (tracksReceipts()) {
        // Present from the start, so that "Stuck = false" finds healthy sendouts too.
        Workflow.upsertTypedSearchAttributes(STUCK.valueSet(false));
      }
      awaitSendTime();
      messageCount = store.release(new ReleaseSendout(start.sendoutId())).messageCount();
      log.info("Released sendout {}: {} messages", start.sendoutId(), messageCount);
    } else if (tracksReceipts()) {
      // Set again on the new run rather than trusting it to inherit the flag.
      upsertStuck(flaggedStuck);
    }
    int batchSize = start.settings().batchSize();
    batchCount = (messageCount + batchSize - 1) / batchSize;
    setStatus(
        reported == batchCount && checkpoint != null ? SendoutStatus.SENT : SendoutStatus.SENDING);
    sendAllBatches();
    if (status == SendoutStatus.SENDING) {
      store.markSent(new MarkSent(start.sendoutId(), tally));
      setStatus(SendoutStatus.SENT);
    }
    if (!tracksReceipts()) {
      return tally;
    }
    awaitSettled();
    store.markCompleted(new MarkCompleted(start.sendoutId(), receipts()));
    setStatus(SendoutStatus.COMPLETED);
    return tally;
  }

  @Override
  public SendoutProgress progress() {
    List<BatchProgress> stuck = stuckBatches();
    return new SendoutProgress(
        start.sendoutId(),
        status,
        start.sendAt(),
        messageCount,
        batchCount,
        reported,
        nextBatch - reported,
        tally,
        receipts(),
        stuck.isEmpty() ? null : StuckReason.NO_RECEIPT,
        stuckSince(stuck),
        stuckMessages(stuck),
        stuck.stream()
            .flatMap(b -> b.receipts().unconfirmedSample().stream())
            .limit(SendoutProgress.MAX_SAMPLE)
            .toList());
  }

  @Override
  public void batchProgress(BatchProgress progress) {
    int batchNo = progress.batchNo();
    switch (progress.phase()) {
      case SENDING -> {}
      case AWAITING_RECEIPTS -> {
        reported++;
        tally = tally.plus(progress.sent());
        unsettled.put(batchNo, progress);
      }
      case STUCK -> unsettled.put(batchNo, progress);
      case SETTLED -> {
        unsettled.remove(batchNo);
        settledBatches++;
        settled = settled.plus(progress.receipts().tally());
      }
    }
    changes++;
  }

  private void restore(SendoutCheckpoint checkpoint) {
    messageCount = checkpoint.messageCount();
    nextBatch = checkpoint.nextBatch();
    tally = checkpoint.tally();
    if (tracksReceipts()) {
      reported = checkpoint.reported();
      settledBatches = checkpoint.settledBatches();
      settled = checkpoint.settled();
      unsettled.putAll(checkpoint.unsettled());
      flaggedStuck = !stuckBatches().isEmpty();
    } else {
      // The original workflow drained its batches before continuing: all started were done.
      reported = nextBatch;
    }
  }

  private void awaitSendTime() {
    Duration wait =
        Duration.between(Instant.ofEpochMilli(Workflow.currentTimeMillis()), start.sendAt());
    setStatus(SendoutStatus.SCHEDULED);
    if (!wait.isNegative() && !wait.isZero()) {
      Workflow.sleep(wait);
    }
  }

  private void sendAllBatches() {
    while (reported < batchCount) {
      boolean draining = historyIsLarge();
      while (!draining
          && nextBatch < batchCount
          && nextBatch - reported < start.settings().maxBatchesInFlight()) {
        startBatch(nextBatch++);
      }
      if (draining) {
        continueAsNewWhenQuiet();
      }
      awaitChange();
    }
  }

  private void awaitSettled() {
    while (settledBatches < batchCount) {
      if (historyIsLarge()) {
        continueAsNewWhenQuiet();
      }
      awaitChange();
    }
  }

  private void awaitChange() {
    int seen = changes;
    Workflow.await(() -> changes != seen);
    if (tracksReceipts()) {
      updateStuckFlag();
    }
    describeProgress();
  }

  /**
   * Continues as new once nothing of this run is in flight: for batches that report by signal, once
   * their starts are confirmed; for the original ones, once they have completed.
   */
  private void continueAsNewWhenQuiet() {
    boolean quiet =
        tracksReceipts() ? starting.stream().allMatch(Promise::isCompleted) : nextBatch == reported;
    if (quiet) {
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
                  new TreeMap<>(unsettled))));
    }
  }

  private void startBatch(int batchNo) {
    int batchSize = start.settings().batchSize();
    int fromSeq = batchNo * batchSize;
    int toSeq = Math.min(fromSeq + batchSize, messageCount);
    var options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(BatchWorkflow.workflowId(start.sendoutId(), batchNo))
            .setStaticSummary(
                "Batch %d of %d for sendout %s: %d messages"
                    .formatted(batchNo + 1, batchCount, start.sendoutId(), toSeq - fromSeq));
    if (tracksReceipts()) {
      options
          .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
          .setTypedSearchAttributes(
              SearchAttributes.newBuilder()
                  .set(SENDOUT_ID, start.sendoutId())
                  .set(TENANT_ID, start.tenantId())
                  .set(CHANNEL, start.channel().name())
                  .set(STUCK, false)
                  .build());
    }
    BatchWorkflow batch = Workflow.newChildWorkflowStub(BatchWorkflow.class, options.build());
    StartBatch input =
        StartBatch.of(
            new SendBatch(start.sendoutId(), batchNo, fromSeq, toSeq),
            start.settings().deliveryTaskQueue(),
            start.settings().messagesPerCall(),
            start.settings().receiptTimeout());
    Promise<SendTally> result = Async.function(batch::run, input);
    if (tracksReceipts()) {
      Promise<WorkflowExecution> started = Workflow.getWorkflowExecution(batch);
      starting.removeIf(Promise::isCompleted);
      starting.add(started);
      started.handle(
          (execution, failure) -> {
            if (failure != null) {
              log.error(
                  "Batch {} of sendout {} did not start", batchNo, start.sendoutId(), failure);
            }
            changes++;
            return null;
          });
    } else {
      result.thenApply(
          sent -> {
            reported++;
            tally = tally.plus(sent);
            changes++;
            return null;
          });
    }
  }

  private boolean tracksReceipts() {
    return start.settings().tracksReceipts();
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

  private void updateStuckFlag() {
    boolean stuck = !stuckBatches().isEmpty();
    if (stuck != flaggedStuck) {
      flaggedStuck = stuck;
      upsertStuck(stuck);
    }
  }

  private static void upsertStuck(boolean stuck) {
    Workflow.upsertTypedSearchAttributes(SendoutSearchAttributes.noReceipt(stuck));
  }

  private void setStatus(SendoutStatus next) {
    status = next;
    Workflow.upsertTypedSearchAttributes(SENDOUT_STATUS.valueSet(next.name()));
    describeProgress();
  }

  private void describeProgress() {
    Workflow.setCurrentDetails(
        switch (status) {
          case SCHEDULED ->
              "Scheduled: %d recipients, sending at %s"
                  .formatted(start.recipientCount(), start.sendAt());
          case SENDING ->
              ("Sending: %d of %d batches sent, %d sending; %d of %d messages handed"
                      + " to the provider (%d accepted, %d failed, %d unconfirmed)")
                  .formatted(
                      reported,
                      batchCount,
                      nextBatch - reported,
                      tally.total(),
                      messageCount,
                      tally.accepted(),
                      tally.failed(),
                      tally.unconfirmed());
          case SENT ->
              tracksReceipts()
                  ? stuckLine()
                      + "Sent %d messages; receipts: %s".formatted(messageCount, receipts())
                  : "Sent: %d messages (%d accepted, %d failed, %d unconfirmed)"
                      .formatted(
                          messageCount, tally.accepted(), tally.failed(), tally.unconfirmed());
          case COMPLETED -> "Completed: %d messages; %s".formatted(messageCount, receipts());
        });
  }

  private String stuckLine() {
    List<BatchProgress> stuck = stuckBatches();
    if (stuck.isEmpty()) {
      return "";
    }
    return "STUCK (NO_RECEIPT): %d messages unconfirmed since %s in %d batches. "
        .formatted(stuckMessages(stuck), stuckSince(stuck), stuck.size());
  }
}
