package dev.sendout.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.worker.PollsWaitForTheServer.WaitForReadyOnPolls;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollsWaitForTheServerTest {

  private final List<CallOptions> made = new ArrayList<>();

  /** A channel that only records the options of the calls made on it. */
  private final Channel channel =
      new Channel() {
        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
          made.add(options);
          return null;
        }

        @Override
        public String authority() {
          return "temporal";
        }
      };

  private boolean waitsForReady(MethodDescriptor<?, ?> method) {
    new WaitForReadyOnPolls().interceptCall(method, CallOptions.DEFAULT, channel);
    return made.get(made.size() - 1).isWaitForReady();
  }

  @Test
  void theWorkersTaskPollsWaitForAConnection() {
    assertThat(waitsForReady(WorkflowServiceGrpc.getPollWorkflowTaskQueueMethod())).isTrue();
    assertThat(waitsForReady(WorkflowServiceGrpc.getPollActivityTaskQueueMethod())).isTrue();
    assertThat(waitsForReady(WorkflowServiceGrpc.getPollNexusTaskQueueMethod())).isTrue();
  }

  @Test
  void everyOtherCallFailsFastAsBefore() {
    assertThat(waitsForReady(WorkflowServiceGrpc.getRespondWorkflowTaskCompletedMethod()))
        .isFalse();
    assertThat(waitsForReady(WorkflowServiceGrpc.getRecordActivityTaskHeartbeatMethod())).isFalse();
    assertThat(waitsForReady(WorkflowServiceGrpc.getSignalWorkflowExecutionMethod())).isFalse();
    assertThat(waitsForReady(WorkflowServiceGrpc.getPollWorkflowExecutionUpdateMethod())).isFalse();
  }
}
