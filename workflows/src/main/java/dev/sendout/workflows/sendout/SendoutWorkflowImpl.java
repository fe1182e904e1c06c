package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;

import dev.sendout.workflows.batch.BatchWorkflow;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.batch.StartBatch;
import dev.sendout.workflows.sendout.SendoutActivities.MarkSent;
import dev.sendout.workflows.sendout.SendoutActivities.ReleaseSendout;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Waits for the send time, releases the sendout, then keeps at most {@code maxBatchesInFlight}
 * batch workflows running until every batch is done. Before its history grows large it drains the
 * running batches and continues as new with a {@link SendoutCheckpoint}.
 */
public class SendoutWorkflowImpl implements SendoutWorkflow {

  private static final Logger log = Workflow.getLogger(SendoutWorkflowImpl.class);

  /**
   * Releasing is one set-based UPDATE over the sendout's messages; a minute covers a million rows.
   * Retries are unbounded because a sendout must not give up while the database is away: the
   * release deadline (not this policy) is what makes a late release visible.
   */
  private static final ActivityOptions STORE_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .build())
          .build();

  private final SendoutActivities store =
      Workflow.newActivityStub(SendoutActivities.class, STORE_OPTIONS);

  private StartSendout start;
  private SendoutStatus status = SendoutStatus.SCHEDULED;
  private int messageCount;
  private int batchCount;
  private int nextBatch;
  private final List<Promise<SendTally>> inFlight = new ArrayList<>();
  private SendTally tally = SendTally.NONE;

  @Override
  public SendTally run(StartSendout start) {
    this.start = start;
    SendoutCheckpoint checkpoint = start.checkpoint();
    if (checkpoint == null) {
      awaitSendTime();
      messageCount = store.release(new ReleaseSendout(start.sendoutId())).messageCount();
      log.info("Released sendout {}: {} messages", start.sendoutId(), messageCount);
    } else {
      messageCount = checkpoint.messageCount();
      nextBatch = checkpoint.nextBatch();
      tally = checkpoint.tally();
    }
    int batchSize = start.settings().batchSize();
    batchCount = (messageCount + batchSize - 1) / batchSize;
    setStatus(SendoutStatus.SENDING);
    sendAllBatches();
    store.markSent(new MarkSent(start.sendoutId(), tally));
    setStatus(SendoutStatus.SENT);
    return tally;
  }

  @Override
  public SendoutProgress progress() {
    return new SendoutProgress(
        start.sendoutId(),
        status,
        start.sendAt(),
        messageCount,
        batchCount,
        batchesDone(),
        inFlight.size(),
        tally);
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
    while (nextBatch < batchCount || !inFlight.isEmpty()) {
      boolean draining = historyIsLarge();
      while (!draining
          && nextBatch < batchCount
          && inFlight.size() < start.settings().maxBatchesInFlight()) {
        inFlight.add(startBatch(nextBatch++));
      }
      if (inFlight.isEmpty()) {
        // Draining finished: carry on in a fresh history. Only reached when batches remain.
        Workflow.continueAsNew(
            start.continueFrom(new SendoutCheckpoint(messageCount, nextBatch, tally)));
      }
      Promise.anyOf(inFlight).get();
      collectCompletedBatches();
      describeProgress();
    }
  }

  private Promise<SendTally> startBatch(int batchNo) {
    int batchSize = start.settings().batchSize();
    int fromSeq = batchNo * batchSize;
    int toSeq = Math.min(fromSeq + batchSize, messageCount);
    BatchWorkflow batch =
        Workflow.newChildWorkflowStub(
            BatchWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(BatchWorkflow.workflowId(start.sendoutId(), batchNo))
                .setStaticSummary(
                    "Batch %d of %d for sendout %s: %d messages"
                        .formatted(batchNo + 1, batchCount, start.sendoutId(), toSeq - fromSeq))
                .build());
    return Async.function(
        batch::run,
        new StartBatch(
            new SendBatch(start.sendoutId(), batchNo, fromSeq, toSeq),
            start.settings().deliveryTaskQueue()));
  }

  private void collectCompletedBatches() {
    var completed = inFlight.stream().filter(Promise::isCompleted).toList();
    for (Promise<SendTally> done : completed) {
      tally = tally.plus(done.get());
    }
    inFlight.removeAll(completed);
  }

  /** Batches start in order and leave {@code inFlight} when done. */
  private int batchesDone() {
    return nextBatch - inFlight.size();
  }

  private boolean historyIsLarge() {
    var info = Workflow.getInfo();
    return info.isContinueAsNewSuggested()
        || info.getHistoryLength() >= start.settings().continueAsNewAfterEvents();
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
              ("Sending: %d of %d batches done, %d running; %d of %d messages handed"
                      + " to the provider (%d accepted, %d failed, %d unconfirmed)")
                  .formatted(
                      batchesDone(),
                      batchCount,
                      inFlight.size(),
                      tally.total(),
                      messageCount,
                      tally.accepted(),
                      tally.failed(),
                      tally.unconfirmed());
          case SENT ->
              "Sent: %d messages (%d accepted, %d failed, %d unconfirmed)"
                  .formatted(messageCount, tally.accepted(), tally.failed(), tally.unconfirmed());
        });
  }
}
