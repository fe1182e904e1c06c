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
import dev.sendout.workflows.sendout.SendoutWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReceiptNotifierTest {

  private final UUID sendoutId = UUID.randomUUID();
  private final WorkflowClient temporal = mock(WorkflowClient.class);
  private final BatchWorkflow batch = mock(BatchWorkflow.class);
  private final SendoutWorkflow sendout = mock(SendoutWorkflow.class);
  private final ReceiptNotifier notifier = new ReceiptNotifier(temporal);

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
    notifier.signal(new BatchKey(sendoutId, 0), new HashSet<>());

    verify(temporal).newWorkflowStub(BatchWorkflow.class, "sendout-" + sendoutId + "-batch-0");
    verify(batch).receiptsArrived();
    verify(sendout, never()).receiptsArrived();
  }

  @Test
  void aBatchSentInlineWakesItsSendoutWorkflow() {
    doThrow(notFound()).when(batch).receiptsArrived();

    notifier.signal(new BatchKey(sendoutId, 0), new HashSet<>());

    verify(sendout).receiptsArrived();
  }

  @Test
  void laterBatchesWithoutAWorkflowWakeTheirSendoutOnceARound() {
    doThrow(notFound()).when(batch).receiptsArrived();
    Set<UUID> woken = new HashSet<>();

    notifier.signal(new BatchKey(sendoutId, 3), woken);
    notifier.signal(new BatchKey(sendoutId, 4), woken);

    verify(sendout, times(1)).receiptsArrived();
    notifier.signal(new BatchKey(sendoutId, 5), new HashSet<>());
    verify(sendout, times(2)).receiptsArrived();
  }

  @Test
  void aFinishedSendoutIsNoError() {
    doThrow(notFound()).when(batch).receiptsArrived();
    doThrow(notFound()).when(sendout).receiptsArrived();

    notifier.signal(new BatchKey(sendoutId, 0), new HashSet<>());

    verify(sendout).receiptsArrived();
  }

  private static WorkflowNotFoundException notFound() {
    return new WorkflowNotFoundException(
        WorkflowExecution.newBuilder().setWorkflowId("gone").build(), "SendoutWorkflow", null);
  }
}
