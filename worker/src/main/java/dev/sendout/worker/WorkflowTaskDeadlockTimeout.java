package dev.sendout.worker;

import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How long workflow code may run without yielding before the SDK fails its workflow task as a
 * potential deadlock (TMPRL1101) and has it retried: {@link #TIMEOUT}, not the SDK's 1 s. A worker
 * that has just started, on a busy machine, loads classes from its jar for longer than that: an
 * upgrade drill saw a batch's first task after a restart fail so (over a second in class loading
 * under a signal, at load 6), as the suite's own cold starts had. Each such failure is a
 * WorkflowTaskFailed event in the history, which support staff reading the Web UI take for a fault.
 * Five seconds still catch workflow code that really blocks.
 */
@Configuration(proxyBeanMethods = false)
public class WorkflowTaskDeadlockTimeout {

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Bean
  TemporalOptionsCustomizer<WorkerOptions.Builder> deadlockTimeout() {
    return builder -> builder.setDefaultDeadlockDetectionTimeout(TIMEOUT.toMillis());
  }
}
