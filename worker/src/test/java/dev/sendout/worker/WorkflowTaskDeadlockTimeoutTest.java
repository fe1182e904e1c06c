package dev.sendout.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

class WorkflowTaskDeadlockTimeoutTest {

  @Test
  void workflowCodeMayRunFiveSecondsWithoutYieldingNotTheSdksOne() {
    WorkerOptions sdk = WorkerOptions.newBuilder().validateAndBuildWithDefaults();
    WorkerOptions ours =
        new WorkflowTaskDeadlockTimeout()
            .deadlockTimeout()
            .customize(WorkerOptions.newBuilder())
            .validateAndBuildWithDefaults();

    assertThat(sdk.getDefaultDeadlockDetectionTimeout()).isEqualTo(1_000);
    assertThat(ours.getDefaultDeadlockDetectionTimeout()).isEqualTo(5_000);
  }
}
