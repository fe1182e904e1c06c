package dev.sendout.worker;

import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.worker.WorkerFactoryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Workflow code on virtual threads, when {@code SENDOUT_VIRTUAL_WORKFLOW_THREADS=true} (the
 * starter's {@code spring.temporal.workflow-cache.using-virtual-workflow-threads}) and the JVM has
 * them (Java 21 and later); on Java 17 the setting is ignored, with a line in the log, rather than
 * failing the worker's first workflow task.
 *
 * <p>The SDK runs each workflow coroutine (the main method, each {@code Async} branch, each signal
 * handler) on a thread of its own and hands control from one to the next at every step of a
 * workflow task. On platform threads each hand-over is a pair of kernel context switches: in a
 * profile of 100 open sendouts taking additions (docs/benchmarks.md), 29 % of the engine's CPU
 * samples were workflow threads, four fifths of them in the kernel's thread switching; virtual
 * threads took the same spread from 353 to 431 additions a second on JDK 25. It is off by default:
 * the SDK has a report of workers crashing under high load with virtual threads (sdk-java#2959, the
 * deadlock detector finding no running thread), which this engine's runs have not met but cannot
 * rule out.
 */
@Configuration(proxyBeanMethods = false)
public class VirtualWorkflowThreads {

  private static final Logger log = LoggerFactory.getLogger(VirtualWorkflowThreads.class);

  /** The first Java release with virtual threads, which the SDK's option needs. */
  static final int FIRST_JAVA_WITH_VIRTUAL_THREADS = 21;

  @Bean
  TemporalOptionsCustomizer<WorkerFactoryOptions.Builder> workflowThreads(
      @Value("${spring.temporal.workflow-cache.using-virtual-workflow-threads:false}")
          boolean wanted) {
    boolean use = wanted && Runtime.version().feature() >= FIRST_JAVA_WITH_VIRTUAL_THREADS;
    if (wanted && !use) {
      log.warn(
          "SENDOUT_VIRTUAL_WORKFLOW_THREADS=true needs Java {} or later; this is Java {}: workflow"
              + " code runs on platform threads",
          FIRST_JAVA_WITH_VIRTUAL_THREADS,
          Runtime.version().feature());
    } else if (use) {
      log.info("Workflow code runs on virtual threads (SENDOUT_VIRTUAL_WORKFLOW_THREADS=true)");
    }
    return builder -> builder.setUsingVirtualWorkflowThreads(use);
  }
}
