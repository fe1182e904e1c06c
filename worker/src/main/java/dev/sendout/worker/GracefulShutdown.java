package dev.sendout.worker;

import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stops the worker gracefully: it stops polling at once, then lets the tasks it is running finish,
 * up to {@code sendout.worker.shutdown-grace}, before the database pool and the Temporal connection
 * close under them. A provider call in flight thus ends with its outcome recorded, instead of
 * leaving its messages in doubt (UNCONFIRMED). Past the grace, running tasks are interrupted; their
 * retries are safe, as after a crash: a message claimed for a call that broke off is never sent
 * again.
 */
@Component
class GracefulShutdown implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

  private final WorkerFactory workers;
  private final Duration grace;
  private volatile boolean running;

  /**
   * @param grace long enough for one provider call at its read timeout; shorter than a container
   *     platform's kill timeout (Kubernetes: 30 s by default, set terminationGracePeriodSeconds
   *     above this)
   */
  GracefulShutdown(
      WorkerFactory workers, @Value("${sendout.worker.shutdown-grace:25s}") Duration grace) {
    this.workers = workers;
    this.grace = grace;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    if (workers.isShutdown()) {
      return;
    }
    log.info("Stopping the workers: no new tasks; waiting up to {} for running ones", grace);
    workers.shutdown();
    workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    if (!workers.isTerminated()) {
      log.warn("Tasks still running after {}: interrupting them", grace);
      workers.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
