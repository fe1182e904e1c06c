package dev.sendout.api.receipt;

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
import dev.sendout.workflows.receipt.ReceiptCheckPace;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReceiptNotifierTest {

  private static final long GAP = ReceiptCheckPace.GAP.toMillis();

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
  void eachBatchWorkflowIsSignalledABurstAtOnceThenOnceAGap() {
    wakeAndFlush(0, 0, 1);
    verify(batch, times(2)).receiptsArrived();

    // A batch reported in webhook calls moments apart is woken for each, up to the burst.
    wakeAndFlush(100, 0);
    wakeAndFlush(200, 0);
    verify(batch, times(4)).receiptsArrived();

    wakeAndFlush(300, 0);
    notifier.flush(GAP - 1);
    verify(batch, times(4)).receiptsArrived();

    notifier.flush(GAP);
    verify(batch, times(5)).receiptsArrived();
    verify(temporal, times(4)).newWorkflowStub(BatchWorkflow.class, batchWorkflow(0));

    // Then one a gap, for as long as its receipts keep coming.
    wakeAndFlush(GAP + 1, 0);
    notifier.flush(2 * GAP - 1);
    verify(batch, times(5)).receiptsArrived();
    notifier.flush(2 * GAP);
    verify(batch, times(6)).receiptsArrived();
  }

  /** A stop sends the wakes still held: after it nothing would, till the batch's timed check. */
  @Test
  void aWakeHeldByThePaceIsSentAtTheStop() {
    wakeAndFlush(0, 0, 1);
    wakeAndFlush(100, 0);
    wakeAndFlush(200, 0);
    wakeAndFlush(300, 0);
    verify(batch, times(4)).receiptsArrived();

    notifier.destroy();

    verify(batch, times(5)).receiptsArrived();
  }

  @Test
  void aBatchSentInlineWakesItsSendoutWorkflow() {
    doThrow(notFound()).when(batch).receiptsArrived();

    wakeAndFlush(0, 0);

    verify(sendout).receiptsArrived();
  }

  @Test
  void inlineBatchesWakeTheirSendoutAtItsPaceAndAreLookedForOnce() {
    doThrow(notFound()).when(batch).receiptsArrived();

    // Each batch is first looked for as a workflow of its own; then one signal wakes the sendout,
    // and with it every batch it runs.
    wakeAndFlush(0, 3, 4);
    verify(sendout, times(1)).receiptsArrived();

    // A round a second: the next two take the burst's places, the third waits for the gap.
    wakeAndFlush(1000, 5);
    wakeAndFlush(2000, 6);
    verify(sendout, times(3)).receiptsArrived();
    wakeAndFlush(3000, 3);
    notifier.flush(GAP - 1);
    verify(sendout, times(3)).receiptsArrived();

    notifier.flush(GAP);
    verify(sendout, times(4)).receiptsArrived();
    verify(temporal, times(1)).newWorkflowStub(BatchWorkflow.class, batchWorkflow(6));
    verify(temporal, times(1)).newWorkflowStub(BatchWorkflow.class, batchWorkflow(3));

    // That one signal woke every batch that waited: none is left to signal again.
    notifier.flush(3 * GAP);
    verify(sendout, times(4)).receiptsArrived();
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
