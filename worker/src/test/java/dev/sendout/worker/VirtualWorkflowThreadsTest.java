package dev.sendout.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.worker.WorkerFactoryOptions;
import org.junit.jupiter.api.Test;

class VirtualWorkflowThreadsTest {

  private static boolean virtual(boolean wanted) {
    return new VirtualWorkflowThreads()
        .workflowThreads(wanted)
        .customize(WorkerFactoryOptions.newBuilder())
        .build()
        .isUsingVirtualWorkflowThreads();
  }

  @Test
  void workflowCodeRunsOnVirtualThreadsOnlyWhenAskedAndWhereTheJvmHasThem() {
    boolean jvmHasThem =
        Runtime.version().feature() >= VirtualWorkflowThreads.FIRST_JAVA_WITH_VIRTUAL_THREADS;

    assertThat(virtual(true)).isEqualTo(jvmHasThem);
    assertThat(virtual(false)).isFalse();
  }
}
