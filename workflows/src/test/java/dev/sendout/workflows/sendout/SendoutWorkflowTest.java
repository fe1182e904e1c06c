package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.workflows.batch.BatchWorkflowImpl;
import dev.sendout.workflows.batch.SendBatch;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SendoutWorkflowTest {

  private static final String DELIVERY_QUEUE = "test-email";

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(SendoutWorkflowImpl.class, BatchWorkflowImpl.class)
          .registerSearchAttribute("SendoutStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setDoNotStart(true)
          .build();

  private FakeActivities.Store store;
  private final FakeActivities.Delivery delivery = new FakeActivities.Delivery();

  private void startWorkers(TestWorkflowEnvironment env, Worker worker, int messageCount) {
    store = new FakeActivities.Store(env::currentTimeMillis, messageCount);
    worker.registerActivitiesImplementations(store);
    env.newWorker(DELIVERY_QUEUE).registerActivitiesImplementations(delivery);
    env.start();
  }

  private static StartSendout sendout(Instant sendAt, int messages, SendoutSettings settings) {
    return new StartSendout(
        UUID.randomUUID().toString(), "t1", Channel.EMAIL, messages, sendAt, settings, null);
  }

  private static SendoutSettings settings(int batchSize, int inFlight, int continueAfterEvents) {
    return new SendoutSettings(batchSize, inFlight, DELIVERY_QUEUE, continueAfterEvents);
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
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.ofDays(3).minusMinutes(1));

    assertThat(store.releases).hasValue(0);
    SendoutProgress waiting = workflow.progress();
    assertThat(waiting.status()).isEqualTo(SendoutStatus.SCHEDULED);
    assertThat(waiting.sendAt()).isEqualTo(sendAt);

    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(store.releasedAt).isAfterOrEqualTo(sendAt).isBefore(sendAt.plusSeconds(60));
    assertThat(tally).isEqualTo(new SendTally(2500, 0, 0));
    assertThat(store.sentTally).isEqualTo(tally);
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
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 30);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 30, settings(1, 4, 60));
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(tally).isEqualTo(new SendTally(30, 0, 0));
    assertThat(delivery.batches)
        .extracting(SendBatch::batchNo)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).boxed().toList());
    assertThat(store.releases).as("released once, not again after continue-as-new").hasValue(1);
    var firstHistory = client.fetchHistory(firstRun.getWorkflowId(), firstRun.getRunId());
    assertThat(firstHistory.getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes())
        .isTrue();
  }

  @Test
  void finishedSendoutShowsItsStatusInSearchAttributesAndProgress(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    startWorkers(env, worker, 1500);
    StartSendout start =
        sendout(Instant.ofEpochMilli(env.currentTimeMillis()), 1500, settings(1000, 2, 2000));
    SendoutWorkflow workflow = stub(client, options, start);

    workflow.run(start);

    var description = WorkflowStub.fromTyped(workflow).describe();
    assertThat(description.getTypedSearchAttributes().get(SENDOUT_STATUS)).isEqualTo("SENT");
    SendoutProgress progress = workflow.progress();
    assertThat(progress.status()).isEqualTo(SendoutStatus.SENT);
    assertThat(progress.batchCount()).isEqualTo(2);
    assertThat(progress.batchesDone()).isEqualTo(2);
    assertThat(progress.tally()).isEqualTo(new SendTally(1500, 0, 0));
  }
}
