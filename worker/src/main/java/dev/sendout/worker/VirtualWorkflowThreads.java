package dev.sendout.worker;

import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.worker.WorkerFactoryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Workflow code runs on virtual threads when the JVM has them (Java 21 and later), unless {@code
 * SENDOUT_VIRTUAL_WORKFLOW_THREADS=false}; on Java 17 it runs on platform threads, as the SDK's
 * default.
 *
 * <p>The SDK runs each workflow coroutine (the main method, each {@code Async} branch, each signal
 * handler) on a thread of its own and hands control from one to the next at every step of a
 * workflow task. On platform threads each hand-over is a pair of kernel context switches: in a
 * profile of 100 open sendouts taking additions (docs/benchmarks.md), 29 % of the engine's CPU
 * samples were workflow threads, four fifths of them in the kernel's thread switching. A virtual
 * thread's hand-over is a continuation's, in user space. Nothing else changes: the same code, the
 * same histories.
 */
@Configuration(proxyBeanMethods = false)
public class VirtualWorkflowThreads {

  private static final Logger log = LoggerFactory.getLogger(VirtualWorkflowThreads.class);

  /** The first Java release with virtual threads, which the SDK's option needs. */
  static final int FIRST_JAVA_WITH_VIRTUAL_THREADS = 21;

  @Bean
  TemporalOptionsCustomizer<WorkerFactoryOptions.Builder> workflowThreads(
      @Value("${sendout.worker.virtual-workflow-threads:true}") boolean wanted) {
    boolean use = wanted && Runtime.version().feature() >= FIRST_JAVA_WITH_VIRTUAL_THREADS;
    log.info(
        "Workflow code runs on {} threads (Java {}{})",
        use ? "virtual" : "platform",
        Runtime.version().feature(),
        wanted ? "" : ", SENDOUT_VIRTUAL_WORKFLOW_THREADS=false");
    return builder -> builder.setUsingVirtualWorkflowThreads(use);
  }
}
