package dev.sendout.api.receipt;

import static dev.sendout.api.receipt.ReceiptNotifier.MIN_SIGNAL_INTERVAL_MS;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sendout.core.receipt.BatchKey;
import dev.sendout.workflows.batch.BatchWorkflow;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReceiptNotifierTest {

  private final UUID sendoutId = UUID.randomUUID();
  private final WorkflowClient temporal = mock(WorkflowClient.class);
  private final BatchWorkflow batch = mock(BatchWorkflow.class);
  private final SendoutWorkflow sendout = mock(SendoutWorkflow.class);
  private final ReceiptNotifier notifier = new ReceiptNotifier(temporal, false);

  ReceiptNotifierTest() {
    when(temporal.newWorkflowStub(eq(BatchWorkflow.class), anyString())).thenReturn(batch);
    when(temporal.newWorkflowStub(SendoutWorkflow.class, "sendout-" + sendoutId))
        .thenReturn(sendout);
  }

  @AfterEach
  void stop() {
    notifier.destroy();
  }

  @Test
  void aBatchWithAWorkflowOfItsOwnIsWokenAndTheSendoutIsLeftAlone() {
    wakeAndFlush(0, 0);

    verify(temporal).newWorkflowStub(BatchWorkflow.class, batchWorkflow(0));
    verify(batch).receiptsArrived();
    verify(sendout, never()).receiptsArrived();
  }

  @Test
  void eachBatchWorkflowIsSignalledAtMostOnceAnInterval() {
    wakeAndFlush(0, 0, 1);
    verify(batch, times(2)).receiptsArrived();

    wakeAndFlush(1000, 0);
    notifier.flush(MIN_SIGNAL_INTERVAL_MS - 1);
    verify(batch, times(2)).receiptsArrived();

    notifier.flush(MIN_SIGNAL_INTERVAL_MS);
    verify(batch, times(3)).receiptsArrived();
    verify(temporal, times(2)).newWorkflowStub(BatchWorkflow.class, batchWorkflow(0));
  }

  @Test
  void aBatchSentInlineWakesItsSendoutWorkflow() {
    doThrow(notFound()).when(batch).receiptsArrived();

    wakeAndFlush(0, 0);

    verify(sendout).receiptsArrived();
  }

  @Test
  void inlineBatchesWakeTheirSendoutOnceAnIntervalAndAreLookedForOnce() {
    doThrow(notFound()).when(batch).receiptsArrived();

    wakeAndFlush(0, 3, 4);
    verify(sendout, times(1)).receiptsArrived();

    // A round a second: its batch waits for the sendout's next wake.
    wakeAndFlush(1000, 5);
    wakeAndFlush(2000, 6);
    wakeAndFlush(3000, 3);
    verify(sendout, times(1)).receiptsArrived();

    notifier.flush(MIN_SIGNAL_INTERVAL_MS);
    verify(sendout, times(2)).receiptsArrived();
    verify(temporal, times(1)).newWorkflowStub(BatchWorkflow.class, batchWorkflow(5));
    verify(temporal, times(1)).newWorkflowStub(BatchWorkflow.class, batchWorkflow(3));

    // That one signal woke every batch that waited: none is left to signal again.
    notifier.flush(3 * MIN_SIGNAL_INTERVAL_MS);
    verify(sendout, times(2)).receiptsArrived();
  }

  @Test
  void aFinishedSendoutIsNoError() {
    doThrow(notFound()).when(batch).receiptsArrived();
    doThrow(notFound()).when(sendout).receiptsArrived();

    wakeAndFlush(0, 0);

    verify(sendout).receiptsArrived();
  }

  private void wakeAndFlush(long nowMs, Integer... batchNos) {
    notifier.wake(List.of(batchNos).stream().map(no -> new BatchKey(sendoutId, no)).toList());
    notifier.flush(nowMs);
  }

  private String batchWorkflow(int batchNo) {
    return "sendout-" + sendoutId + "-batch-" + batchNo;
  }

  private static WorkflowNotFoundException notFound() {
    return new WorkflowNotFoundException(
        WorkflowExecution.newBuilder().setWorkflowId("gone").build(), "SendoutWorkflow", null);
  }
}
