package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK_REASON;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK_REASONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.workflows.batch.BatchPhase;
import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.batch.BatchWorkflow;
import dev.sendout.workflows.batch.BatchWorkflowImpl;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.receipt.DeliveryTally;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowingConsumer;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SendoutWorkflowTest {

  private static final String DELIVERY_QUEUE = "test-email";
  private static final Duration RECEIPT_TIMEOUT = Duration.ofHours(24);
  private static final Duration RELEASE_GRACE = Duration.ofMinutes(10);

  @RegisterExtension static final TestWorkflowExtension temporal = newTemporalExtension();

  /**
   * Both workflows, the search attributes the worker registers, and workers started by the test
   * once it has made its fakes. {@link HistoryRecorder} records its histories with the same.
   */
  static TestWorkflowExtension newTemporalExtension() {
    return TestWorkflowExtension.newBuilder()
        .registerWorkflowImplementationTypes(SendoutWorkflowImpl.class, BatchWorkflowImpl.class)
        .registerSearchAttribute("SendoutId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute("TenantId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute("Channel", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute("SendoutStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute("Stuck", IndexedValueType.INDEXED_VALUE_TYPE_BOOL)
        .registerSearchAttribute("StuckReason", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute("StuckReasons", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST)
        .registerSearchAttribute("NextReminderAt", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
        .setDoNotStart(true)
        .build();
  }

  private FakeActivities.Store store;
  private final FakeActivities.Provider delivery = new FakeActivities.Provider();

  private void startWorkers(TestWorkflowEnvironment env, Worker worker, int messageCount) {
    store = new FakeActivities.Store(env::currentTimeMillis, messageCount);
    worker.registerActivitiesImplementations(store, delivery);
    env.newWorker(DELIVERY_QUEUE).registerActivitiesImplementations(delivery);
    env.start();
  }

  private static StartSendout sendout(Instant sendAt, int messages, SendoutSettings settings) {
    return new StartSendout(
        UUID.randomUUID().toString(), "t1", Channel.EMAIL, messages, sendAt, settings, null);
  }

  private static SendoutSettings settings(int batchSize, int inFlight, int continueAfterEvents) {
    return new SendoutSettings(
        batchSize,
        inFlight,
        DELIVERY_QUEUE,
        continueAfterEvents,
        RECEIPT_TIMEOUT,
        batchSize,
        RELEASE_GRACE);
  }

  private static SendoutWorkflow stub(
      WorkflowClient client, WorkflowOptions options, StartSendout s) {
    return client.newWorkflowStub(
        SendoutWorkflow.class,
        options.toBuilder().setWorkflowId(SendoutWorkflow.workflowId(s.sendoutId())).build());
  }

  @Test
  void sendoutScheduledThreeDaysAheadIsReleasedOnTimeAndNotBefore(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 2500);
    Instant sendAt = Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofDays(3));
    StartSendout start = sendout(sendAt, 2500, settings(1000, 2, 2000));
    SendoutWorkflow workflow = started(client, options, start);

    env.sleep(Duration.ofDays(1));
    assertThat(details(client, start))
        .isEqualTo("Scheduled: 2500 recipients, sending at " + sendAt + ".");
    // Found by a newcomer's walkthrough: the details still said the count it was created with.
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(2500, 2504)), false));
    env.sleep(Duration.ofSeconds(1));
    assertThat(details(client, start))
        .isEqualTo("Scheduled: 2504 recipients, sending at " + sendAt + ".");
    env.sleep(Duration.ofDays(2).minusMinutes(1));

    assertThat(store.releases).hasValue(0);
    SendoutProgress waiting = workflow.progress();
    assertThat(waiting.status()).isEqualTo(SendoutStatus.SCHEDULED);
    assertThat(waiting.sendAt()).isEqualTo(sendAt);

    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.releasedAt).isAfterOrEqualTo(sendAt).isBefore(sendAt.plusSeconds(60));
    assertThat(tally).isEqualTo(new SendTally(2504, 0, 0));
    assertThat(store.sentTally).isEqualTo(tally);
  }

  /**
   * The wedge the small-sendout benchmark found: a one-recipient sendout's receipt check failed for
   * good in its inline batch (the SDK gave the local activity up), which ended the batch's thread
   * unseen and left the sendout SENDING for ever. The workflow now retries such a call.
   */
  @Test
  void aStoreCallThatFailsAllTheSameIsRetriedAndTheSendoutCompletes(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws Exception {
    startWorkers(env, worker, 1);
    delivery.checksToFail.set(2);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 1, settings(1000, 2, 2000));
    SendoutWorkflow workflow = started(client, options, start);

    SendTally tally =
        WorkflowStub.fromTyped(workflow).getResult(30, TimeUnit.SECONDS, SendTally.class);

    assertThat(tally).isEqualTo(new SendTally(1, 0, 0));
    assertThat(delivery.checksToFail).hasValue(0);
  }

  @Test
  void messagesAreSplitIntoBoundedBatchesEachSentOnce(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 2500);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 2500, settings(1000, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);

    workflow.run(start);

    assertThat(delivery.batches)
        .extracting(SendBatch::fromSeq, SendBatch::toSeq)
        .containsExactlyInAnyOrder(tuple(0, 1000), tuple(1000, 2000), tuple(2000, 2500));
    assertThat(delivery.maxRunning.get()).isBetween(1, 2);
  }

  @Test
  void smsBatchesSendEachMessageInACallOfItsOwnAllQueuedAtOnce(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 25);
    SendoutSettings oneMessagePerCall =
        new SendoutSettings(10, 2, DELIVERY_QUEUE, 2000, RECEIPT_TIMEOUT, 1, RELEASE_GRACE);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 25, oneMessagePerCall);

    SendTally tally = stub(client, options, start).run(start);

    assertThat(delivery.batches)
        .extracting(SendBatch::fromSeq, SendBatch::toSeq, SendBatch::batchNo)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 25).mapToObj(seq -> tuple(seq, seq + 1, seq / 10)).toList());
    assertThat(tally).isEqualTo(new SendTally(25, 0, 0));
    // Calls are not paced by the workflow: a batch's calls wait in the task queue together, where
    // the provider's rate limit applies (two batches of ten in flight here).
    assertThat(delivery.maxRunning.get()).isGreaterThan(2);
  }

  @Test
  void batchesRunNoMoreThanTheWindowAtOnce(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 40);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 40, settings(1, 3, 100_000));

    stub(client, options, start).run(start);

    assertThat(delivery.batches).hasSize(40);
    assertThat(delivery.maxRunning.get()).isBetween(2, 3);
  }

  @Test
  void longSendoutContinuesAsNewAndStillSendsEveryBatchExactlyOnce(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws TimeoutException {
    startWorkers(env, worker, 30);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 30, settings(1, 4, 60));
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    // Bounded, so that a report lost across the continue-as-new fails the test instead of hanging.
    SendTally tally =
        WorkflowStub.fromTyped(workflow).getResult(60, TimeUnit.SECONDS, SendTally.class);

    assertThat(tally).isEqualTo(new SendTally(30, 0, 0));
    assertThat(delivery.batches)
        .extracting(SendBatch::batchNo)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).boxed().toList());
    assertThat(store.releases).as("released once, not again after continue-as-new").hasValue(1);
    var firstHistory = client.fetchHistory(firstRun.getWorkflowId(), firstRun.getRunId());
    assertThat(firstHistory.getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes())
        .isTrue();
  }

  /**
   * The watchdog started a cancelled sendout's workflow again (its first was terminated): the new
   * run starts the batches its plan kept, more than may run at once and past a continue-as-new,
   * each to await the receipts of what was sent before the cancel, and then ends CANCELLED. It used
   * to start none and wait for them for ever.
   */
  @Test
  void aRunStartedAgainForACancelledSendoutAwaitsItsBatchesAndEndsCancelled(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws TimeoutException {
    startWorkers(env, worker, 12);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 12, settings(1, 4, 60))
            .startingAs(false, true);
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowClient.start(workflow::run, start);
    WorkflowStub.fromTyped(workflow).getResult(60, TimeUnit.SECONDS, SendTally.class);

    assertThat(delivery.batches)
        .extracting(SendBatch::batchNo)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 12).boxed().toList());
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.CANCELLED);
    assertThat(attributes(workflow).get(SENDOUT_STATUS)).isEqualTo("CANCELLED");
  }

  @Test
  void sendoutCompletesOnceEveryMessageIsConfirmedAndShowsItInSearchAttributesAndProgress(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 1500);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 1500, settings(1000, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);

    workflow.run(start);

    var description = WorkflowStub.fromTyped(workflow).describe();
    assertThat(description.getTypedSearchAttributes().get(SENDOUT_STATUS)).isEqualTo("COMPLETED");
    assertThat(description.getTypedSearchAttributes().get(STUCK)).isFalse();
    SendoutProgress progress = workflow.progress();
    assertThat(progress.status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(progress.batchCount()).isEqualTo(2);
    assertThat(progress.batchesDone()).isEqualTo(2);
    assertThat(progress.tally()).isEqualTo(new SendTally(1500, 0, 0));
    assertThat(progress.receipts()).isEqualTo(new DeliveryTally(0, 1500, 0, 0, 0, 0));
    assertThat(progress.stuckReason()).isNull();
    assertThat(store.sentTally).isEqualTo(new SendTally(1500, 0, 0));
    assertThat(store.completedTally).isEqualTo(progress.receipts());
  }

  @Test
  void silentMessagesAreFlaggedStuckAtTheReceiptDeadlineAndNeverCountedDelivered(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 30);
    delivery.silent.addAll(List.of(3, 17, 18));
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 30, settings(10, 2, 2000));
    SendoutWorkflow workflow = started(client, options, start);

    env.sleep(RECEIPT_TIMEOUT.minusHours(1));
    SendoutProgress beforeDeadline = workflow.progress();
    assertThat(beforeDeadline.status()).isEqualTo(SendoutStatus.SENT);
    assertThat(beforeDeadline.receipts().awaiting()).isEqualTo(3);
    assertThat(beforeDeadline.stuckReason()).isNull();

    env.sleep(Duration.ofHours(24));

    SendoutProgress stuck = workflow.progress();
    assertThat(stuck.status()).isEqualTo(SendoutStatus.SENT);
    assertThat(stuck.receipts()).isEqualTo(new DeliveryTally(0, 27, 0, 0, 0, 3));
    assertThat(stuck.stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);
    assertThat(stuck.stuckMessages()).isEqualTo(3);
    assertThat(stuck.stuckSample()).containsExactlyInAnyOrder("m3", "m17", "m18");
    var sendoutAttributes = WorkflowStub.fromTyped(workflow).describe().getTypedSearchAttributes();
    assertThat(sendoutAttributes.get(STUCK)).isTrue();
    assertThat(sendoutAttributes.get(STUCK_REASON)).isEqualTo("NO_RECEIPT");
    BatchWorkflow batch1 = batch(client, start, 1);
    assertThat(batch1.progress().phase()).isEqualTo(BatchPhase.STUCK);
    var batchAttributes = WorkflowStub.fromTyped(batch1).describe().getTypedSearchAttributes();
    assertThat(batchAttributes.get(STUCK)).isTrue();
    assertThat(batchAttributes.get(STUCK_REASON)).isEqualTo("NO_RECEIPT");
    assertThat(batch(client, start, 2).progress().phase()).isEqualTo(BatchPhase.SETTLED);
    assertThat(delivery.messages.values()).doesNotContain(MessageStatus.ACCEPTED);
  }

  @Test
  void aWatchdogFindingStillHeldWhenTheSendoutEndsIsNotLeftOnItsSearchAttributes(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.add(0);
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    // Reported before the last receipt; the watchdog's next pass, which would clear it, never
    // comes.
    reportLate(env, workflow, 1);
    assertThat(attributes(workflow).get(STUCK_REASON)).isEqualTo("RECEIPT_LATE");

    delivery.deliver(0);
    receiptsArrived(client, start, 0);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(attributes(workflow).get(STUCK)).isFalse();
    assertThat(attributes(workflow).get(STUCK_REASON)).isNull();
    assertThat(attributes(workflow).get(STUCK_REASONS)).isNull();
  }

  /**
   * A sendout's only batch, run inline, wrote its own phase over the sendout's details at each
   * receipt check: a sendout flagged stuck lost its STUCK line in the Web UI, and the {@code
   * progress} query kept the receipts of the batch's last report.
   */
  @Test
  void anInlineBatchsReceiptChecksKeepTheStuckLineAndTheReceiptsFresh(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.addAll(List.of(0, 1));
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    reportLate(env, workflow, 2);
    assertThat(workflow.progress().receipts().delivered()).isEqualTo(8);

    delivery.deliver(0);
    receiptsArrived(client, start, 0);
    env.sleep(Duration.ofSeconds(10));

    assertThat(details(client, start)).startsWith("STUCK (RECEIPT_LATE): 2 late, since ");
    assertThat(workflow.progress().receipts().delivered()).isEqualTo(9);
  }

  /**
   * A batch reported in two webhook calls moments apart (SendGrid's {@code processed}, then {@code
   * delivered}) settles at the second: the gap between its checks held it back up to 5 s after its
   * last receipt, which was the last seconds of every bulk sendout.
   */
  @Test
  void aBatchReportedInTwoWebhookCallsMomentsApartSettlesAtTheSecond(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    delivery.silent.addAll(IntStream.range(10, 20).boxed().toList());
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 20, settings(10, 2, 2000));
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofSeconds(1));

    IntStream.range(10, 15).forEach(delivery::deliver);
    receiptsArrived(client, start, 1);
    env.sleep(Duration.ofMillis(500));
    IntStream.range(15, 20).forEach(delivery::deliver);
    receiptsArrived(client, start, 1);
    env.sleep(Duration.ofSeconds(1));

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(workflow.progress().receipts().delivered()).isEqualTo(20);
  }

  @Test
  void aLateReceiptSettlesTheUnconfirmedMessageClearsTheFlagAndCompletesTheSendout(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    delivery.silent.add(12);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 20, settings(10, 2, 2000));
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofHours(30));
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);

    delivery.deliver(12);
    receiptsArrived(client, start, 1);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    SendoutProgress done = workflow.progress();
    assertThat(done.status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(done.receipts()).isEqualTo(new DeliveryTally(0, 20, 0, 0, 0, 0));
    assertThat(done.stuckReason()).isNull();
    var sendoutAttributes = WorkflowStub.fromTyped(workflow).describe().getTypedSearchAttributes();
    assertThat(sendoutAttributes.get(STUCK)).isFalse();
    assertThat(sendoutAttributes.get(STUCK_REASON)).isNull();
    var batchAttributes =
        WorkflowStub.fromTyped(batch(client, start, 1)).describe().getTypedSearchAttributes();
    assertThat(batchAttributes.get(STUCK)).isFalse();
  }

  @Test
  void batchesAwaitingReceiptsDoNotHoldUpTheSendingWindow(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 12);
    delivery.silent.addAll(IntStream.range(0, 12).boxed().toList());
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 12, settings(2, 2, 2000));
    SendoutWorkflow workflow = started(client, options, start);

    env.sleep(Duration.ofMinutes(5));

    assertThat(delivery.batches).hasSize(6);
    assertThat(delivery.maxRunning.get()).isBetween(1, 2);
    SendoutProgress progress = workflow.progress();
    assertThat(progress.status()).isEqualTo(SendoutStatus.SENT);
    assertThat(progress.receipts().awaiting()).isEqualTo(12);
  }

  @Test
  void aReleaseFailingPastItsDeadlineFlagsNotReleasedUntilTheReleaseSucceeds(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    store.releaseFails = true;
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);

    env.sleep(RELEASE_GRACE.minusMinutes(1));
    assertThat(attributes(workflow).get(STUCK)).isFalse();
    env.sleep(Duration.ofMinutes(2));
    assertThat(attributes(workflow).get(STUCK)).isTrue();
    assertThat(attributes(workflow).get(STUCK_REASON)).isEqualTo("NOT_RELEASED");
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.NOT_RELEASED);

    store.releaseFails = false;
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(attributes(workflow).get(STUCK)).isFalse();
    assertThat(attributes(workflow).get(STUCK_REASON)).isNull();
  }

  @Test
  void aPausedSendoutStartsNoBatchUntilResumed(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    StartSendout start = tenPerBatch(env, 20, Duration.ofHours(1));
    SendoutWorkflow workflow = started(client, options, start);

    workflow.pause(new SupportAction("ann", "the customer asked"));
    env.sleep(Duration.ofHours(3));

    assertThat(delivery.batches).isEmpty();
    assertThat(workflow.progress().paused()).isTrue();
    assertThatThrownBy(() -> workflow.pause(new SupportAction("ann", null)))
        .satisfies(refusedBecause("The sendout is paused already"));

    workflow.resume(new SupportAction("bob", null));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(delivery.batches).hasSize(2);
    assertThat(store.actions)
        .extracting(SendoutActivities.ApplyAction::type, a -> a.action().by())
        .containsExactly(
            tuple(SupportActionType.PAUSE, "ann"), tuple(SupportActionType.RESUME, "bob"));
  }

  /**
   * Temporal takes at most 2,000 Updates in a run, and a sendout waiting for its send time does not
   * continue as new: a hostile sweep's 1,000 pauses and resumes left one that not even a cancel
   * could reach. Past {@link SendoutWorkflowImpl#MAX_ACTIONS_PER_RUN} only a cancel and an
   * acknowledgement are taken, and a cancel still stops it.
   */
  @Test
  void pastItsActionsInARunASendoutTakesOnlyACancelOrAnAcknowledgement(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    StartSendout start = tenPerBatch(env, 20, Duration.ofDays(30));
    SendoutWorkflow workflow = started(client, options, start);
    SupportAction ann = new SupportAction("ann", null);
    for (int i = 0; i < SendoutWorkflowImpl.MAX_ACTIONS_PER_RUN / 2; i++) {
      workflow.pause(ann);
      workflow.resume(ann);
    }

    assertThatThrownBy(() -> workflow.pause(ann))
        .satisfies(
            refusedBecause(
                "This sendout's workflow has taken 1800 actions in its current run, near"
                    + " Temporal's limit of 2,000 Updates a run: until the run continues as new,"
                    + " which it does once its sends are quiet after its send time, it takes only"
                    + " cancel and acknowledge"));
    workflow.cancel(ann);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(delivery.batches).isEmpty();
    assertThat(store.actions).hasSize(SendoutWorkflowImpl.MAX_ACTIONS_PER_RUN + 1);
    assertThat(store.actions.get(store.actions.size() - 1).type())
        .isEqualTo(SupportActionType.CANCEL);
  }

  /**
   * A pause and a resume sent together (a hostile audit: ten at once) ran side by side: the
   * resume's store write overtook the slow pause's, so the store ended paused and the workflow not,
   * and the sendout sent nothing without being flagged. Actions now take turns, each checked again
   * once the one before is written; a second pause meanwhile is refused as paused already.
   */
  @Test
  void supportActionsSentTogetherTakeTurnsInTheStoreAsInTheWorkflow(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws Exception {
    startWorkers(env, worker, 20);
    StartSendout start = tenPerBatch(env, 20, Duration.ofHours(1));
    SendoutWorkflow workflow = started(client, options, start);
    store.slowAction = SupportActionType.PAUSE;
    WorkflowStub stub = WorkflowStub.fromTyped(workflow);

    var pause =
        stub.startUpdate(
            "pause", WorkflowUpdateStage.ACCEPTED, Integer.class, new SupportAction("ann", null));
    assertThatThrownBy(() -> workflow.pause(new SupportAction("bob", null)))
        .satisfies(refusedBecause("The sendout is paused already"));
    workflow.resume(new SupportAction("cy", null));
    pause.getResult();

    assertThat(store.actions)
        .extracting(SendoutActivities.ApplyAction::type, a -> a.action().by())
        .containsExactly(
            tuple(SupportActionType.PAUSE, "ann"), tuple(SupportActionType.RESUME, "cy"));
    assertThat(workflow.progress().paused()).isFalse();
    store.slowAction = null;
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(delivery.batches).hasSize(2);
  }

  /**
   * An Update sent from the Temporal UI or CLI without its input (or with no one named) was applied
   * to the workflow while its audit write failed on every retry: it is refused instead, and nothing
   * changes.
   */
  @Test
  void anActionWithoutSayingWhoAsksIsRefusedAndChangesNothing(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    StartSendout start = tenPerBatch(env, 20, Duration.ofHours(1));
    SendoutWorkflow workflow = started(client, options, start);

    assertThatThrownBy(() -> workflow.pause(null))
        .satisfies(
            refusedBecause(
                "Say who asks: send the Update's input as {\"by\": \"your name\", \"note\": \"why\"}"));
    assertThatThrownBy(() -> workflow.cancel(new SupportAction(" ", "why")))
        .satisfies(
            refusedBecause(
                "Say who asks: send the Update's input as {\"by\": \"your name\", \"note\": \"why\"}"));
    assertThatThrownBy(() -> workflow.acknowledge(new SupportAction("ann", null)))
        .satisfies(
            refusedBecause(
                "Say what was seen: an acknowledgement needs a note, as in {\"by\": \"your name\", \"note\": \"why\"}"));

    assertThat(workflow.progress().paused()).isFalse();
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SCHEDULED);
    assertThat(store.actions).isEmpty();
  }

  @Test
  void aCancelledSendoutSendsNothingMoreAndEndsCancelled(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    StartSendout start = tenPerBatch(env, 20, Duration.ofDays(2));
    SendoutWorkflow workflow = started(client, options, start);

    workflow.cancel(new SupportAction("ann", null));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(delivery.batches).isEmpty();
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.CANCELLED);
    assertThat(attributes(workflow).get(SENDOUT_STATUS)).isEqualTo("CANCELLED");
    assertThat(store.actions)
        .extracting(SendoutActivities.ApplyAction::type)
        .containsExactly(SupportActionType.CANCEL);
  }

  /**
   * Found on the real server: the watchdog's findings about a sendout waiting for its send time (an
   * orphan, its rows gone) were signalled, but the Web UI showed it not stuck until the send time,
   * up to a year away. It shows them at once now, and clears them as they clear.
   */
  @Test
  void aSendoutWaitingForItsSendTimeShowsTheWatchdogsFindingsAtOnce(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    StartSendout start = tenPerBatch(env, 20, Duration.ofDays(30));
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    assertThat(attributes(workflow).get(STUCK)).isFalse();

    Instant since = Instant.ofEpochMilli(env.currentTimeMillis());
    workflow.watchdogFindings(
        new WatchdogFindings(
            List.of(
                new WatchdogFindings.Finding(StuckReason.ORPHAN_WORKFLOW, since, 0, "row gone"))));
    env.sleep(Duration.ofSeconds(1));

    assertThat(attributes(workflow).get(STUCK)).isTrue();
    assertThat(attributes(workflow).get(STUCK_REASON)).isEqualTo("ORPHAN_WORKFLOW");
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SCHEDULED);
    assertThat(details(client, start)).contains("ORPHAN_WORKFLOW");

    workflow.watchdogFindings(new WatchdogFindings(List.of()));
    env.sleep(Duration.ofSeconds(1));
    assertThat(attributes(workflow).get(STUCK)).isFalse();
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SCHEDULED);
    workflow.cancel(new SupportAction("ann", null));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(delivery.batches).isEmpty();
  }

  @Test
  void anActionWhoseDataTheStoreRefusesIsRefusedChangesNothingAndACancelStillEndsTheSendout(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    StartSendout start = tenPerBatch(env, 20, Duration.ofDays(2));
    SendoutWorkflow workflow = started(client, options, start);

    assertThatThrownBy(() -> workflow.pause(new SupportAction("ann", "bad\u0000note")))
        .satisfies(
            refusedBecause(
                "The pause action was not taken: invalid byte sequence for encoding \"UTF8\": 0x00"));
    assertThat(workflow.progress().paused()).isFalse();
    assertThatThrownBy(() -> workflow.cancel(new SupportAction("ann", "bad\u0000note")))
        .satisfies(
            refusedBecause(
                "The cancel action was not taken: invalid byte sequence for encoding \"UTF8\": 0x00"));
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SCHEDULED);

    workflow.cancel(new SupportAction("ann", null));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(delivery.batches).isEmpty();
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.CANCELLED);
    assertThat(store.actions)
        .extracting(SendoutActivities.ApplyAction::type)
        .containsExactly(SupportActionType.CANCEL);
  }

  /**
   * Found by the fourth hostile sweep, from the Temporal CLI: a signal without its fields failed
   * every workflow task after it (a NullPointerException in the handler), and a range of two
   * billion planned phantom messages; either wedged the sendout for good, its queries and Updates
   * refused. They are ignored now, and the sendout goes on.
   */
  @Test
  void signalsSentByHandWithoutTheirFieldsOrWithARangeOfNoSendoutAreIgnored(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    delivery.silent.add(0);
    StartSendout start = tenPerBatch(env, 20, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));

    workflow.batchProgress(null);
    workflow.batchProgress(new BatchProgress(0, null, null, null));
    workflow.batchProgress(new BatchProgress(0, BatchPhase.SETTLED, null, null));
    assertThatThrownBy(
            () ->
                workflow.addRecipients(
                    new AddRecipients(new SeqRange(100, 200), new SupportAction("ann", null))))
        .as("a real-server audit: 100 phantom messages planned and counted, no audit entry")
        .satisfies(
            refusedBecause(
                "Recipients are added with POST /v1/sendouts/{id}/recipients, which stores them"
                    + " before the workflow hears of them; this Update takes none"));
    workflow.watchdogFindings(null);
    workflow.watchdogFindings(new WatchdogFindings(null));
    workflow.watchdogFindings(
        new WatchdogFindings(
            java.util.Arrays.asList(null, new WatchdogFindings.Finding(null, null, 0, null))));
    workflow.recipientsAdded(null);
    workflow.recipientsAdded(new AddedRanges(null, false));
    workflow.recipientsAdded(
        new AddedRanges(
            java.util.Arrays.asList(null, new SeqRange(20, 2_000_000_000), new SeqRange(-5, 3)),
            false));
    assertThatThrownBy(() -> workflow.pause(new SupportAction("bob\n2026 ERROR forged", null)))
        .satisfies(
            refusedBecause(
                "Say who asks in one line of text, without control characters, as in {\"by\": \"your name\", \"note\": \"why\"}"));
    env.sleep(Duration.ofSeconds(5));

    assertThat(workflow.progress().messageCount()).isEqualTo(20);
    delivery.deliver(0);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(workflow.progress().receipts().delivered()).isEqualTo(20);
  }

  /**
   * Found by the fourth hostile sweep: an acknowledgement whose note the store refused showed the
   * sendout acknowledged and not stuck, with nothing recorded, and every later acknowledgement was
   * refused as "not flagged stuck".
   */
  @Test
  void anAcknowledgementTheStoreRefusesLeavesTheSendoutStuck(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.add(0);
    SendoutWorkflow workflow = started(client, options, tenPerBatch(env, 10, Duration.ZERO));
    env.sleep(Duration.ofMinutes(1));
    Instant since = Instant.ofEpochMilli(env.currentTimeMillis());
    workflow.watchdogFindings(
        new WatchdogFindings(
            List.of(new WatchdogFindings.Finding(StuckReason.NOT_RELEASED, since, 5, "5 queued"))));
    env.sleep(Duration.ofSeconds(1));

    assertThatThrownBy(() -> workflow.acknowledge(new SupportAction("ann", "seen\u0000it")))
        .satisfies(
            refusedBecause(
                "The acknowledge action was not taken: invalid byte sequence for encoding \"UTF8\": 0x00"));
    assertThat(attributes(workflow).get(STUCK)).isTrue();
    assertThat(workflow.progress().acknowledged()).isNull();

    workflow.acknowledge(new SupportAction("ann", "seen it"));
    assertThat(attributes(workflow).get(STUCK)).isFalse();
  }

  /**
   * A hostile sweep: a sendout whose unconfirmed messages nothing could send again (its survey
   * closed, or it was cancelled) stayed open and flagged for good; acknowledging cleared the flag
   * but the batch kept listening for receipts. The store now counts acknowledged ones there as
   * waited for no more, and the acknowledgement wakes the batch: it settles, and the sendout
   * completes, within seconds rather than at its next backstop check.
   */
  @Test
  void anAcknowledgementOfMessagesNothingSendsAgainLetsTheSendoutComplete(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.add(3);
    SendoutWorkflow workflow = started(client, options, tenPerBatch(env, 10, Duration.ZERO));
    env.sleep(Duration.ofHours(30).plusMinutes(30));
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);

    delivery.nothingWaitsFor.add(3); // the store's answer once it is acknowledged after the close
    workflow.acknowledge(new SupportAction("ann", "the survey closed"));
    sleepUntil(env, () -> workflow.progress().status() == SendoutStatus.COMPLETED);

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(workflow.progress().receipts()).isEqualTo(new DeliveryTally(0, 9, 0, 0, 0, 1, 1));
    assertThat(attributes(workflow).get(STUCK)).isFalse();
  }

  /**
   * Acknowledged while a resend could still follow, unconfirmed messages are still waited for; the
   * cancel after it ends the wait (the store then counts them final), and wakes the batch: the
   * cancelled sendout completes within seconds, not at the batch's next backstop check.
   */
  @Test
  void aCancelAfterAnAcknowledgementLetsTheSendoutComplete(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20); // two batches, children of the sendout
    delivery.silent.add(3);
    SendoutWorkflow workflow = started(client, options, tenPerBatch(env, 20, Duration.ZERO));
    env.sleep(Duration.ofHours(30).plusMinutes(30));
    workflow.acknowledge(new SupportAction("ann", "looking into it"));
    // Long enough for the batch's checks, woken by the acknowledgement, to back off again.
    env.sleep(Duration.ofHours(3));
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SENT);

    delivery.nothingWaitsFor.add(3); // the store's answer once the sendout is cancelled
    workflow.cancel(new SupportAction("ann", "no resend"));
    sleepUntil(env, () -> !store.completions.isEmpty());

    assertThat(store.completions).isNotEmpty();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.CANCELLED);
  }

  /** An unconfirmed message of a recipient who responded is never flagged, and ends no wait. */
  @Test
  void aMessageOfARecipientWhoRespondedIsNotStuckAtItsDeadline(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.add(3);
    delivery.nothingWaitsFor.add(3);
    SendoutWorkflow workflow = started(client, options, tenPerBatch(env, 10, Duration.ZERO));

    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(workflow.progress().stuckReason()).isNull();
    assertThat(workflow.progress().receipts()).isEqualTo(new DeliveryTally(0, 9, 0, 0, 0, 1, 1));
  }

  /**
   * A support drill: a message left in doubt by a crash (UNCONFIRMED before its receipt deadline,
   * so its batch was not stuck) was resent and delivered, and its sendout stayed SENT until the
   * batch's next backstop check. The resend wakes that batch too.
   */
  @Test
  void aResendOfAMessageLeftInDoubtLetsTheSendoutCompleteWithinSeconds(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.inDoubt.add(4);
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    // Long enough for the batch's backstop checks to have backed off to tens of minutes.
    env.sleep(Duration.ofHours(2));
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SENT);
    assertThat(workflow.progress().stuckReason()).isNull();

    store.resendable = List.of(new SeqRange(4, 5));
    assertThat(workflow.resend(new SupportAction("ann", "the crash sent nothing"))).isOne();
    sleepUntil(env, () -> workflow.progress().status() == SendoutStatus.COMPLETED);

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(delivery.messages.values()).containsOnly(MessageStatus.DELIVERED);
  }

  /**
   * A support drill: a sendout of child batches read "0 delivered, 2500 awaiting receipts" in the
   * Web UI while the API said 2,474 DELIVERED, until the receipt deadline, since a child told its
   * sendout only of changes of phase. It now also tells it where its receipts stand, at most once
   * per {@code PROGRESS_GAP}.
   */
  @Test
  void childBatchesTellTheirSendoutWhereTheirReceiptsStandBeforeTheyAreSettled(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    for (int seq = 0; seq < 20; seq++) {
      delivery.silent.add(seq); // accepted, their receipts to come
    }
    StartSendout start = tenPerBatch(env, 20, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    assertThat(workflow.progress().receipts().awaiting()).isEqualTo(20);

    for (int seq = 0; seq < 20; seq++) {
      if (seq % 10 != 9) {
        delivery.deliver(seq);
      }
    }
    receiptsArrived(client, start, 0);
    receiptsArrived(client, start, 1);
    env.sleep(Duration.ofMinutes(1));

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SENT);
    assertThat(workflow.progress().receipts()).isEqualTo(new DeliveryTally(2, 18, 0, 0, 0, 0));
  }

  @Test
  void resentMessagesGoOutInANewBatchAndTheSendoutCompletes(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 20);
    delivery.silent.add(12);
    StartSendout start = tenPerBatch(env, 20, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    // Half an hour after the stuck batch's last hourly check, not at one.
    env.sleep(Duration.ofHours(30).plusMinutes(30));
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);

    store.resendable = List.of(new SeqRange(10, 20));
    delivery.silent.clear();
    int resent = workflow.resend(new SupportAction("ann", "carrier outage is over"));
    // The stuck batch is told to look again: it settles, and the sendout completes, within
    // seconds, not at its next backstop check, an hour after the one before by now.
    sleepUntil(env, () -> workflow.progress().status() == SendoutStatus.COMPLETED);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(resent).isEqualTo(10);
    assertThat(delivery.batches)
        .extracting(SendBatch::batchNo, SendBatch::fromSeq, SendBatch::toSeq)
        .contains(tuple(2, 10, 20));
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(attributes(workflow).get(STUCK)).isFalse();
  }

  @Test
  void rangesHandedOverBySignalAreReleasedOnceWhateverTheRepeats(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.add(0); // keeps the sendout open until the test delivers it
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));

    // One signal carries every range the relay found; a repeat of it adds nothing, and ranges
    // that follow one another are sent in one batch.
    var handOver = new AddedRanges(List.of(new SeqRange(10, 12), new SeqRange(12, 15)), false);
    workflow.recipientsAdded(handOver);
    workflow.recipientsAdded(handOver);
    env.sleep(Duration.ofMinutes(1));
    // A round handed over again with more in it (its first hand-off was not recorded).
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(10, 18)), false));
    env.sleep(Duration.ofMinutes(1));
    delivery.deliver(0);
    receiptsArrived(client, start, 0);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(delivery.batches)
        .extracting(SendBatch::batchNo, SendBatch::fromSeq, SendBatch::toSeq)
        .containsExactlyInAnyOrder(tuple(0, 0, 10), tuple(1, 10, 15), tuple(2, 15, 18));
    assertThat(workflow.progress().messageCount()).isEqualTo(18);
  }

  @Test
  void rangesTheWatchdogFindsStillQueuedAreReleasedAndSentAgainEvenIfKnown(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.add(0);
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    int releasesBefore = store.releases.get();

    // Messages 3..5 belong to the first release, yet the watchdog found them QUEUED; 10..12 were
    // written behind the workflow's back.
    workflow.recipientsAdded(
        new AddedRanges(List.of(new SeqRange(3, 5), new SeqRange(10, 12)), true));
    env.sleep(Duration.ofMinutes(1));
    delivery.deliver(0);
    receiptsArrived(client, start, 0);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.releases.get()).isEqualTo(releasesBefore + 1);
    assertThat(delivery.batches)
        .extracting(SendBatch::fromSeq, SendBatch::toSeq)
        .contains(tuple(3, 5), tuple(10, 12));
  }

  @Test
  void aWatchdogFindingFlagsTheSendoutAndAnAcknowledgementTakesItOffTheStuckList(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.add(0);
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    assertThatThrownBy(() -> workflow.acknowledge(new SupportAction("ann", "seen")))
        .satisfies(
            refusedBecause(
                "The sendout is not flagged stuck, or every flag it has is acknowledged already"));

    Instant since = Instant.ofEpochMilli(env.currentTimeMillis());
    var finding = new WatchdogFindings.Finding(StuckReason.NOT_RELEASED, since, 5, "5 queued");
    workflow.watchdogFindings(new WatchdogFindings(List.of(finding)));
    env.sleep(Duration.ofSeconds(1));
    assertThat(attributes(workflow).get(STUCK)).isTrue();
    assertThat(attributes(workflow).get(STUCK_REASON)).isEqualTo("NOT_RELEASED");
    assertThat(attributes(workflow).get(STUCK_REASONS)).containsExactly("NOT_RELEASED");
    assertThat(workflow.progress().stuckSince()).isEqualTo(since);

    // A second problem is listed beside the first, which StuckReason keeps showing.
    var late =
        new WatchdogFindings.Finding(StuckReason.RECEIPT_LATE, since, 2, "2 without receipt");
    workflow.watchdogFindings(new WatchdogFindings(List.of(late, finding)));
    env.sleep(Duration.ofSeconds(1));
    assertThat(attributes(workflow).get(STUCK_REASON)).isEqualTo("NOT_RELEASED");
    assertThat(attributes(workflow).get(STUCK_REASONS))
        .containsExactly("NOT_RELEASED", "RECEIPT_LATE");
    workflow.watchdogFindings(new WatchdogFindings(List.of(finding)));
    env.sleep(Duration.ofSeconds(1));
    assertThat(attributes(workflow).get(STUCK_REASONS)).containsExactly("NOT_RELEASED");

    workflow.acknowledge(new SupportAction("ann", "customer told"));
    assertThat(attributes(workflow).get(STUCK)).isFalse();
    assertThat(attributes(workflow).get(STUCK_REASON)).isEqualTo("NOT_RELEASED");
    assertThat(workflow.progress().acknowledged())
        .isEqualTo(new SupportAction("ann", "customer told"));

    workflow.watchdogFindings(new WatchdogFindings(List.of()));
    env.sleep(Duration.ofSeconds(1));
    assertThat(attributes(workflow).get(STUCK_REASON)).isNull();
    assertThat(attributes(workflow).get(STUCK_REASONS)).isNull();
  }

  @Test
  void aSendoutOfOneBatchSendsItInlineFlagsItsOwnSilenceAndSettlesOnALateReceipt(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 3);
    delivery.silent.add(1);
    StartSendout start = tenPerBatch(env, 3, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(RECEIPT_TIMEOUT.plusHours(1));

    assertThatThrownBy(() -> WorkflowStub.fromTyped(batch(client, start, 0)).describe())
        .as("no child workflow")
        .isInstanceOf(WorkflowNotFoundException.class);
    SendoutProgress stuck = workflow.progress();
    assertThat(stuck.status()).isEqualTo(SendoutStatus.SENT);
    assertThat(stuck.receipts()).isEqualTo(new DeliveryTally(0, 2, 0, 0, 0, 1));
    assertThat(stuck.stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);
    assertThat(stuck.stuckSample()).containsExactly("m1");
    assertThat(attributes(workflow).get(STUCK)).isTrue();
    assertThat(attributes(workflow).get(STUCK_REASON)).isEqualTo("NO_RECEIPT");
    assertThat(delivery.messages.values()).doesNotContain(MessageStatus.ACCEPTED);

    delivery.deliver(1);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    SendoutProgress done = workflow.progress();
    assertThat(done.status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(done.receipts()).isEqualTo(new DeliveryTally(0, 3, 0, 0, 0, 0));
    assertThat(attributes(workflow).get(STUCK)).isFalse();
    assertThat(attributes(workflow).get(STUCK_REASON)).isNull();
    assertThat(store.completedTally).isEqualTo(done.receipts());
    assertThat(delivery.batches).extracting(SendBatch::batchNo).containsExactly(0);
  }

  @Test
  void anInlineBatchKeepsAwaitingItsReceiptsAcrossAContinueAsNew(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws TimeoutException {
    startWorkers(env, worker, 1);
    delivery.silent.add(0);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 1, settings(10, 2, 60));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    env.sleep(RECEIPT_TIMEOUT.plusDays(3));

    var first = client.fetchHistory(firstRun.getWorkflowId(), firstRun.getRunId());
    assertThat(first.getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes()).isTrue();
    assertThat(workflow.progress().stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);
    assertThat(attributes(workflow).get(STUCK)).isTrue();

    delivery.deliver(0);
    workflow.receiptsArrived();
    SendTally tally =
        WorkflowStub.fromTyped(workflow).getResult(60, TimeUnit.SECONDS, SendTally.class);

    assertThat(tally).isEqualTo(new SendTally(1, 0, 0));
    assertThat(delivery.batches).hasSize(1);
    assertThat(workflow.progress().receipts()).isEqualTo(new DeliveryTally(0, 1, 0, 0, 0, 0));
    assertThat(attributes(workflow).get(STUCK)).isFalse();
  }

  @Test
  void smallRoundsOfAddedRecipientsAreSentInlineWithoutAChildWorkflowEach(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.add(0); // keeps the sendout open until the test delivers it
    delivery.silent.add(10); // and its first added round awaiting its receipt
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));

    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(10, 11)), false));
    env.sleep(Duration.ofMinutes(1));
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(11, 13)), false));
    env.sleep(Duration.ofMinutes(1));
    // Batch 1 still awaits its receipt, inline.
    assertThat(workflow.progress().receipts().awaiting()).isEqualTo(2);
    delivery.deliver(10);
    receiptsArrived(client, start, 1);
    // Batch 1 settles before batch 0's receipt comes: else the check woken by the first signal
    // could find both delivered, and the sendout complete before the second signal.
    env.sleep(Duration.ofMinutes(1));
    assertThat(workflow.progress().receipts().awaiting()).isEqualTo(1);
    delivery.deliver(0);
    receiptsArrived(client, start, 0);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    for (int batchNo = 0; batchNo < 3; batchNo++) {
      int n = batchNo;
      assertThatThrownBy(() -> WorkflowStub.fromTyped(batch(client, start, n)).describe())
          .as("no child workflow for batch %d", n)
          .isInstanceOf(WorkflowNotFoundException.class);
    }
    assertThat(delivery.batches)
        .extracting(SendBatch::batchNo, SendBatch::fromSeq, SendBatch::toSeq)
        .containsExactlyInAnyOrder(tuple(0, 0, 10), tuple(1, 10, 11), tuple(2, 11, 13));
    // Each round releases only its range: an addition stored meanwhile waits for its own.
    assertThat(store.releasedOnly)
        .containsExactly(null, List.of(new SeqRange(10, 11)), List.of(new SeqRange(11, 13)));
    SendoutProgress done = workflow.progress();
    assertThat(done.status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(done.receipts()).isEqualTo(new DeliveryTally(0, 13, 0, 0, 0, 0));
  }

  /**
   * Recipients added as the run finished (their hand-off came too late for it, or not at all) are
   * still QUEUED when it asks the store to complete: the store answers their ranges instead, and
   * the run sends them before it completes.
   */
  @Test
  void recipientsQueuedAsTheRunFinishesAreSentBeforeItCompletes(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    store.queuedAtCompletion.add(List.of(new SeqRange(10, 12), new SeqRange(13, 14)));
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);

    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.releasedOnly)
        .containsExactly(null, List.of(new SeqRange(10, 12), new SeqRange(13, 14)));
    assertThat(delivery.batches)
        .extracting(SendBatch::fromSeq, SendBatch::toSeq)
        .containsExactlyInAnyOrder(tuple(0, 10), tuple(10, 12), tuple(13, 14));
    assertThat(store.completions)
        .extracting(SendoutActivities.MarkCompleted::queuedFirst)
        .containsExactly(true, true);
    assertThat(tally.accepted()).isEqualTo(13);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
    assertThat(workflow.progress().receipts()).isEqualTo(new DeliveryTally(0, 13, 0, 0, 0, 0));
  }

  /**
   * A range the run knows but the store still finds QUEUED at the completion is released again, as
   * the watchdog's hand-over would, a few times a run; then the sendout completes and leaves it to
   * the watchdog, rather than loop.
   */
  @Test
  void aKnownRangeStillQueuedAtTheCompletionIsReleasedAgainAFewTimesAtMost(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    List<SeqRange> known = List.of(new SeqRange(3, 4));
    for (int i = 0; i <= SendoutWorkflowImpl.MAX_REQUEUES_AT_COMPLETION; i++) {
      store.queuedAtCompletion.add(known);
    }
    SendoutWorkflow workflow = started(client, options, tenPerBatch(env, 10, Duration.ZERO));

    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    List<List<SeqRange>> released = new ArrayList<>();
    released.add(null);
    for (int i = 0; i < SendoutWorkflowImpl.MAX_REQUEUES_AT_COMPLETION; i++) {
      released.add(known);
    }
    assertThat(store.releasedOnly).containsExactlyElementsOf(released);
    assertThat(store.completions)
        .extracting(SendoutActivities.MarkCompleted::queuedFirst)
        .containsExactly(true, true, true, true, false);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
  }

  /**
   * Messages RELEASED that no batch of the run took (a run that stopped released them, and the
   * watchdog's new run of a sendout with delivery windows plans only what it releases itself) are
   * sent by batches of this run before it completes, in batches of at most a batch size, a few
   * times a run at most.
   */
  @Test
  void messagesReleasedAndNeverSentAreSentBeforeTheRunCompletesAFewTimesAtMost(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    store.unsentAtCompletion.add(List.of(new SeqRange(10, 35)));
    // Fewer each time: no limit. The same again and again: a few times at most.
    for (int i = 0; i <= SendoutWorkflowImpl.MAX_REQUEUES_AT_COMPLETION + 1; i++) {
      store.unsentAtCompletion.add(List.of(new SeqRange(40, 41)));
    }
    SendoutWorkflow workflow = started(client, options, tenPerBatch(env, 10, Duration.ZERO));

    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.releasedOnly).as("nothing released again: they are RELEASED").hasSize(1);
    List<Tuple> batches =
        new ArrayList<>(List.of(tuple(0, 10), tuple(10, 20), tuple(20, 30), tuple(30, 35)));
    for (int i = 0; i <= SendoutWorkflowImpl.MAX_REQUEUES_AT_COMPLETION; i++) {
      batches.add(tuple(40, 41));
    }
    assertThat(delivery.batches)
        .extracting(SendBatch::fromSeq, SendBatch::toSeq)
        .containsExactlyInAnyOrderElementsOf(batches);
    assertThat(store.completions)
        .extracting(SendoutActivities.MarkCompleted::queuedFirst)
        .endsWith(true, false)
        .hasSize(SendoutWorkflowImpl.MAX_REQUEUES_AT_COMPLETION + 4);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
  }

  @Test
  void aRunWaitsForAnEarlierRunsMessagesInFlightBeforeItCompletes(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    store.inFlightAtCompletion.addAll(List.of(3, 2));
    store.inFlightSentAt = Instant.ofEpochMilli(env.currentTimeMillis());
    SendoutWorkflow workflow = started(client, options, tenPerBatch(env, 10, Duration.ZERO));

    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.completions)
        .extracting(SendoutActivities.MarkCompleted::queuedFirst)
        .containsExactly(true, true, true);
    assertThat(waitedBetweenCompletions())
        .isGreaterThanOrEqualTo(
            SendoutWorkflowImpl.IN_FLIGHT_FIRST_WAIT.plus(
                SendoutWorkflowImpl.IN_FLIGHT_FIRST_WAIT.multipliedBy(2)));
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
  }

  @Test
  void
      aRunWaitsForAnEarlierRunsMessagesInFlightNoLongerThanTheirReceiptTimeoutAndAnHourAfterTheirSend(
          TestWorkflowEnvironment env,
          Worker worker,
          WorkflowClient client,
          WorkflowOptions options) {
    startWorkers(env, worker, 10);
    for (int i = 0; i < 1000; i++) {
      store.inFlightAtCompletion.add(1);
    }
    store.inFlightSentAt = Instant.ofEpochMilli(env.currentTimeMillis()).minus(Duration.ofHours(1));
    SendoutWorkflow workflow = started(client, options, tenPerBatch(env, 10, Duration.ZERO));

    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    // Counted from when the last of them was sent, an hour before the run's first completion.
    Duration waited = waitedBetweenCompletions();
    assertThat(waited).isGreaterThan(RECEIPT_TIMEOUT);
    assertThat(waited).isLessThan(RECEIPT_TIMEOUT.plus(SendoutWorkflowImpl.IN_FLIGHT_LONGEST_WAIT));
    assertThat(store.completions)
        .extracting(SendoutActivities.MarkCompleted::queuedFirst)
        .endsWith(true, false)
        .hasSizeLessThan(200);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.COMPLETED);
  }

  /**
   * While it waits for an earlier run's batches the sendout is not finished: a support action is
   * taken, and a cancel ends the wait.
   */
  @Test
  void aRunWaitingForAnEarlierRunsBatchesTakesACancelWhichEndsTheWait(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    for (int i = 0; i < 1000; i++) {
      store.inFlightAtCompletion.add(1);
    }
    store.inFlightSentAt = Instant.ofEpochMilli(env.currentTimeMillis());
    SendoutWorkflow workflow = started(client, options, tenPerBatch(env, 10, Duration.ZERO));
    env.sleep(Duration.ofMinutes(30));
    int asked = store.completions.size();
    assertThat(asked).isGreaterThan(1);

    // Refused as "the sendout has finished" while the run was finishing.
    workflow.cancel(new SupportAction("ann", null));
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.CANCELLED);
    assertThat(store.completions).hasSize(asked + 1);
    assertThat(store.completions.get(asked).queuedFirst()).isFalse();
  }

  /** From the run's first completion to its last, by the test server's clock. */
  private Duration waitedBetweenCompletions() {
    List<Long> times = store.completionTimes;
    return Duration.ofMillis(times.get(times.size() - 1) - times.get(0));
  }

  @Test
  void laterBatchesBeyondTheInlineLimitOrWithManyCallsAreChildren(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    int limit = BatchStarter.MAX_INLINE;
    startWorkers(env, worker, 1);
    SendoutSettings oneMessagePerCall =
        new SendoutSettings(30, 2, DELIVERY_QUEUE, 20_000, RECEIPT_TIMEOUT, 1, RELEASE_GRACE);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 1, oneMessagePerCall);
    delivery.silent.add(0); // batch 0, inline, awaits its receipt
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    // Batch 1: more SMS calls than an inline batch may make.
    int manyCalls = BatchStarter.MAX_INLINE_CALLS + 1;
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(1, 1 + manyCalls)), false));
    env.sleep(Duration.ofMinutes(1));
    // Batches 2 to limit + 1: rounds of one silent SMS each, every one awaiting its receipt. With
    // batch 0, the first limit - 1 of them fill the inline places; the last is a child.
    int seq = 1 + manyCalls;
    for (int batchNo = 2; batchNo <= limit + 1; batchNo++, seq++) {
      delivery.silent.add(seq);
      workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(seq, seq + 1)), false));
      env.sleep(Duration.ofMinutes(1));
    }

    assertThat(batch(client, start, 1).progress().phase()).isEqualTo(BatchPhase.SETTLED);
    for (int batchNo = 2; batchNo <= limit; batchNo++) {
      int n = batchNo;
      assertThatThrownBy(() -> WorkflowStub.fromTyped(batch(client, start, n)).describe())
          .as("batch %d runs inline", n)
          .isInstanceOf(WorkflowNotFoundException.class);
    }
    assertThat(batch(client, start, limit + 1).progress().phase())
        .isEqualTo(BatchPhase.AWAITING_RECEIPTS);

    delivery.silent.forEach(delivery::deliver);
    for (int batchNo = 0; batchNo <= limit + 1; batchNo++) {
      receiptsArrived(client, start, batchNo);
    }
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(workflow.progress().receipts()).isEqualTo(new DeliveryTally(0, seq, 0, 0, 0, 0));
    assertThat(delivery.batches).hasSize(seq);
  }

  /**
   * Rounds of added recipients awaiting their receipts inline are looked at together: one receipt
   * signal reads all of them in one store call (version {@code
   * one-receipt-wait-for-inline-batches}), where each used to read its own.
   */
  @Test
  void roundsAwaitingTheirReceiptsAreLookedAtInOneStoreCallPerSignal(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.addAll(List.of(0, 10, 11, 12, 13, 14)); // the first keeps the sendout open
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    for (int seq = 10; seq < 15; seq++) {
      workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(seq, seq + 1)), false));
      env.sleep(Duration.ofSeconds(2));
    }
    assertThat(workflow.progress().receipts().awaiting()).isEqualTo(6);
    env.sleep(Duration.ofMinutes(5)); // the waits' backstop checks have backed off

    int readsBefore = delivery.checkEachCalls.get();
    int batchesBefore = delivery.checkedInEach.get();
    List.of(10, 11, 12, 13, 14).forEach(delivery::deliver);
    workflow.receiptsArrived();
    env.sleep(Duration.ofSeconds(1));

    assertThat(delivery.checkEachCalls.get() - readsBefore).isEqualTo(1);
    assertThat(delivery.checkedInEach.get() - batchesBefore).isEqualTo(5);
    assertThat(workflow.progress().receipts().awaiting()).isEqualTo(1);
    delivery.deliver(0);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(workflow.progress().receipts()).isEqualTo(new DeliveryTally(0, 15, 0, 0, 0, 0));
  }

  /**
   * A round that joins the shared wait for receipts while its backstop has backed off far is still
   * looked at within the first check's interval when its receipt's signal is lost.
   */
  @Test
  void aRoundWhoseReceiptSignalIsLostIsFoundByTheBackstopSoonAfterItsSend(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.addAll(List.of(0, 10, 11)); // batch 1 waits silent for hours
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(10, 11)), false));
    env.sleep(Duration.ofHours(3)); // the backstop is at its longest, an hour

    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(11, 12)), false));
    env.sleep(Duration.ofSeconds(2));
    assertThat(workflow.progress().receipts().awaiting()).isEqualTo(3);
    delivery.deliver(11); // its receipt's signal is lost
    env.sleep(Duration.ofSeconds(15));

    assertThat(workflow.progress().receipts().awaiting()).isEqualTo(2);
    assertThat(workflow.progress().receipts().delivered()).isEqualTo(10);
    List.of(0, 10).forEach(delivery::deliver);
    workflow.receiptsArrived();
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
  }

  @Test
  void inlineBatchesOfAddedRecipientsKeepAwaitingTheirReceiptsAcrossAContinueAsNew(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options)
      throws TimeoutException {
    startWorkers(env, worker, 1);
    delivery.silent.addAll(List.of(0, 1, 2, 3));
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 1, settings(10, 2, 100));
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofMinutes(1));
    for (int seq = 1; seq < 4; seq++) {
      workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(seq, seq + 1)), false));
      env.sleep(Duration.ofMinutes(1));
    }
    env.sleep(RECEIPT_TIMEOUT.plusDays(3));

    var first = client.fetchHistory(firstRun.getWorkflowId(), firstRun.getRunId());
    assertThat(first.getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes()).isTrue();
    SendoutProgress stuck = workflow.progress();
    assertThat(stuck.stuckReason()).isEqualTo(StuckReason.NO_RECEIPT);
    assertThat(stuck.receipts().unconfirmed()).isEqualTo(4);

    List.of(0, 1, 2, 3).forEach(delivery::deliver);
    workflow.receiptsArrived();
    SendTally tally =
        WorkflowStub.fromTyped(workflow).getResult(60, TimeUnit.SECONDS, SendTally.class);

    assertThat(tally).isEqualTo(new SendTally(4, 0, 0));
    assertThat(delivery.batches).hasSize(4);
    assertThat(workflow.progress().receipts()).isEqualTo(new DeliveryTally(0, 4, 0, 0, 0, 0));
    assertThat(attributes(workflow).get(STUCK)).isFalse();
  }

  /**
   * A round of added recipients released and sent in the workflow task of its hand-off writes no
   * status, neither to the search attributes nor to the store: the sendout shows SENT throughout.
   * One whose send fails there shows SENDING, in both, while the delivery activity retries it, and
   * SENT again once it is sent.
   */
  @Test
  void aRoundSentInItsWorkflowTaskWritesNoStatusAndOneThatFailsThereShowsSending(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 1);
    store.provider = delivery;
    delivery.silent.add(0); // keeps the sendout open
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 1, settings(10, 2, 2000));
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    store.messageCount = 3;
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(1, 2)), false));
    env.sleep(Duration.ofMinutes(1));

    assertThat(delivery.batches).extracting(SendBatch::fromSeq).containsExactly(0, 1);
    // Started without the API's search attributes, so SCHEDULED is written too; the first batch,
    // sent in the first workflow task, was never shown SENDING either.
    assertThat(statusesWritten(client, start)).containsExactly("SCHEDULED", "SENT");
    assertThat(store.recordedSent).isTrue();
    assertThat(store.markSents).as("SENT written for the first batch only").hasValue(1);

    delivery.sendsToFail.set(1_000_000);
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(2, 3)), false));
    env.sleep(Duration.ofMinutes(2));
    assertThat(attributes(workflow).get(SENDOUT_STATUS)).isEqualTo("SENDING");
    assertThat(store.recordedSent).isFalse();
    assertThat(store.markSendings).hasValue(1);

    delivery.sendsToFail.set(0);
    env.sleep(Duration.ofMinutes(2));
    assertThat(attributes(workflow).get(SENDOUT_STATUS)).isEqualTo("SENT");
    assertThat(store.recordedSent).isTrue();
    assertThat(store.markSents).hasValue(2);
    assertThat(delivery.batches).extracting(SendBatch::fromSeq).containsExactly(0, 1, 2);
    assertThat(statusesWritten(client, start))
        .containsExactly("SCHEDULED", "SENT", "SENDING", "SENT");
  }

  /**
   * A round released as the history grows large is left to the next run, which starts from the
   * store's status: the release kept the sendout SENT there, so SENDING is recorded before the run
   * continues as new. The next run's send fails (a provider outage): the store reads SENDING while
   * the delivery activity retries, and SENT once it has sent the round.
   */
  @Test
  void aRoundReleasedAsTheRunContinuesAsNewIsRecordedSendingFirst(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 1);
    store.provider = delivery;
    delivery.silent.add(0); // keeps the sendout open, its one batch in flight
    // A probe of the same shape, its history read where the round will come: the sendout's
    // threshold is set just past it, so that the round's own events make the history large.
    StartSendout probe =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 1, settings(10, 2, 2000));
    started(client, options, probe);
    env.sleep(Duration.ofMinutes(1));
    int lengthBeforeTheRound =
        client.fetchHistory(SendoutWorkflow.workflowId(probe.sendoutId())).getEvents().size();
    StartSendout start =
        sendout(
            Instant.ofEpochMilli(env.currentTimeMillis()),
            1,
            settings(10, 2, lengthBeforeTheRound + 2));
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));
    WorkflowExecution firstRun = WorkflowStub.fromTyped(workflow).getExecution();
    assertThat(store.recordedSent).isTrue();
    int markSendings = store.markSendings.get();

    store.messageCount = 2;
    delivery.sendsToFail.set(1_000_000);
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(1, 2)), false));
    env.sleep(Duration.ofMinutes(2));

    var firstHistory = client.fetchHistory(firstRun.getWorkflowId(), firstRun.getRunId());
    assertThat(firstHistory.getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes())
        .as("the round came as the first run's history grew large")
        .isTrue();
    assertThat(delivery.batches).extracting(SendBatch::fromSeq).containsExactly(0, 0);
    assertThat(store.recordedSent).as("SENDING while the round's send is retried").isFalse();
    assertThat(store.markSendings).hasValue(markSendings + 1);

    delivery.sendsToFail.set(0);
    env.sleep(Duration.ofMinutes(2));
    assertThat(store.recordedSent).isTrue();
    delivery.deliver(0);
    workflow.receiptsArrived();
    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(tally.total()).isEqualTo(2);
    assertThat(delivery.batches).extracting(SendBatch::fromSeq).containsExactly(0, 0, 1);
  }

  private static List<String> statusesWritten(WorkflowClient client, StartSendout start) {
    return client.fetchHistory(SendoutWorkflow.workflowId(start.sendoutId())).getEvents().stream()
        .filter(HistoryEvent::hasUpsertWorkflowSearchAttributesEventAttributes)
        .map(
            e ->
                e.getUpsertWorkflowSearchAttributesEventAttributes()
                    .getSearchAttributes()
                    .getIndexedFieldsMap()
                    .get(SENDOUT_STATUS.getName()))
        .filter(Objects::nonNull)
        .map(payload -> payload.getData().toStringUtf8().replace("\"", ""))
        .toList();
  }

  @Test
  void aSendoutTakingAdditionsCancelsTheTimersOfWaitsThatEndedEarly(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 10);
    delivery.silent.addAll(List.of(0, 10, 11, 12)); // the first keeps the sendout open
    StartSendout start = tenPerBatch(env, 10, Duration.ZERO);
    SendoutWorkflow workflow = started(client, options, start);
    env.sleep(Duration.ofMinutes(1));

    for (int seq = 10; seq < 13; seq++) {
      // The round's release in the workflow task fails: the Release activity, with its deadline
      // timer, releases it.
      store.releasesToFail.set(1);
      workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(seq, seq + 1)), false));
      env.sleep(Duration.ofSeconds(2));
      delivery.deliver(seq);
      receiptsArrived(client, start, seq - 9); // ends the inline batch's receipt wait early
      env.sleep(Duration.ofMinutes(1));
    }
    env.sleep(RELEASE_GRACE.plusMinutes(5)); // past every release deadline

    List<HistoryEvent> events =
        client.fetchHistory(SendoutWorkflow.workflowId(start.sendoutId())).getEvents();
    long firstAddition =
        events.stream()
            .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
            .mapToLong(HistoryEvent::getEventId)
            .min()
            .orElseThrow();
    Map<Long, Duration> timers = new HashMap<>();
    for (HistoryEvent e : events) {
      if (e.hasTimerStartedEventAttributes() && e.getEventId() > firstAddition) {
        timers.put(
            e.getEventId(), toJava(e.getTimerStartedEventAttributes().getStartToFireTimeout()));
      }
    }
    long releases =
        events.stream()
            .filter(e -> e.getEventId() > firstAddition)
            .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
            .filter(
                e ->
                    e.getActivityTaskScheduledEventAttributes()
                        .getActivityType()
                        .getName()
                        .equals("Release"))
            .count();
    // A release of added recipients is due now: its deadline timer runs for the grace, less the
    // moment the failed attempt in the workflow task took.
    Predicate<Duration> deadline =
        d ->
            d != null
                && d.compareTo(RELEASE_GRACE) <= 0
                && d.compareTo(RELEASE_GRACE.minusMinutes(1)) > 0;
    long deadlines = timers.values().stream().filter(deadline).count();
    List<Duration> firedDeadlines =
        events.stream()
            .filter(HistoryEvent::hasTimerFiredEventAttributes)
            .map(e -> timers.get(e.getTimerFiredEventAttributes().getStartedEventId()))
            .filter(deadline)
            .toList();

    assertThat(releases).isEqualTo(3);
    assertThat(deadlines).as("one deadline timer per release").isEqualTo(releases);
    assertThat(firedDeadlines)
        .as("release deadlines, cancelled once released, never fire")
        .isEmpty();
    assertThat(events)
        .as("the deadlines and the receipt checks the signals ended early, cancelled")
        .filteredOn(HistoryEvent::hasTimerCanceledEventAttributes)
        .hasSizeGreaterThanOrEqualTo(6);
    assertThat(workflow.progress().receipts()).isEqualTo(new DeliveryTally(1, 12, 0, 0, 0, 0));
  }

  private static Duration toJava(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /**
   * A sendout of {@code messages} due {@code sendIn} from now, in batches of ten, two at a time.
   */
  private static StartSendout tenPerBatch(
      TestWorkflowEnvironment env, int messages, Duration sendIn) {
    return sendout(
        Instant.ofEpochMilli(env.currentTimeMillis()).plus(sendIn),
        messages,
        settings(10, 2, 2000));
  }

  private static SendoutWorkflow started(
      WorkflowClient client, WorkflowOptions options, StartSendout start) {
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    return workflow;
  }

  /** An update its validator refused, with the reason a person reads. */
  private static ThrowingConsumer<Throwable> refusedBecause(String reason) {
    return thrown -> {
      assertThat(thrown).isInstanceOf(WorkflowUpdateException.class);
      assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
      assertThat(((ApplicationFailure) thrown.getCause()).getOriginalMessage()).isEqualTo(reason);
    };
  }

  /** The watchdog's pass finding {@code messages} accepted without a receipt past the warning. */
  private static void reportLate(
      TestWorkflowEnvironment env, SendoutWorkflow workflow, int messages) {
    Instant since = Instant.ofEpochMilli(env.currentTimeMillis());
    workflow.watchdogFindings(
        new WatchdogFindings(
            List.of(
                new WatchdogFindings.Finding(
                    StuckReason.RECEIPT_LATE, since, messages, messages + " late"))));
    env.sleep(Duration.ofSeconds(1));
  }

  /** The workflow's current details, as the Web UI reads them. */
  private static String details(WorkflowClient client, StartSendout start) {
    return client
        .newUntypedWorkflowStub(SendoutWorkflow.workflowId(start.sendoutId()))
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
  }

  private static io.temporal.common.SearchAttributes attributes(SendoutWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).describe().getTypedSearchAttributes();
  }

  /**
   * Tells a batch of new receipts as the API's notifier does: its own workflow, or the sendout's
   * when the sendout runs that batch inline.
   */
  /**
   * Sleeps in steps of 5 s, a minute at most, until {@code done}: the test server sleeps out the
   * rest of one long sleep in real time once nothing waits.
   */
  private static void sleepUntil(TestWorkflowEnvironment env, BooleanSupplier done) {
    for (int i = 0; i < 12 && !done.getAsBoolean(); i++) {
      env.sleep(Duration.ofSeconds(5));
    }
  }

  static void receiptsArrived(WorkflowClient client, StartSendout start, int batchNo) {
    try {
      batch(client, start, batchNo).receiptsArrived();
    } catch (WorkflowNotFoundException inline) {
      client
          .newWorkflowStub(SendoutWorkflow.class, SendoutWorkflow.workflowId(start.sendoutId()))
          .receiptsArrived();
    }
  }

  static BatchWorkflow batch(WorkflowClient client, StartSendout start, int batchNo) {
    return client.newWorkflowStub(
        BatchWorkflow.class, BatchWorkflow.workflowId(start.sendoutId(), batchNo));
  }
}
