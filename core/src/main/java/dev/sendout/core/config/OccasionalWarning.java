package dev.sendout.core.config;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A warning that comes as often as the work that meets it while something it needs is down (every
 * request, every round of a scheduled task): written at most once per {@link #GAP}, with how many
 * were left out since the last, and followed by one line at INFO once the work goes through again.
 * A database frozen for 90 s put 15,000 lines of stack traces in the log (a fault drill).
 */
public final class OccasionalWarning {

  /** The least time between two lines of one warning. */
  public static final Duration GAP = Duration.ofSeconds(30);

  private final Logger log;

  /** Read without the lock: {@link #recovered} is called on hot paths, every request's. */
  private volatile boolean warned;

  private long lastNanos;
  private int leftOut;

  public OccasionalWarning(Logger log) {
    this.log = log;
  }

  /** Writes the warning, or counts it when one was written less than {@link #GAP} ago. */
  public synchronized void warn(Supplier<String> message) {
    long now = System.nanoTime();
    if (warned && now - lastNanos < GAP.toNanos()) {
      leftOut++;
      return;
    }
    log.warn("{} ({} more such since the last line)", message.get(), leftOut);
    warned = true;
    lastNanos = now;
    leftOut = 0;
  }

  /**
   * The work went through: says so once after a warning, and the next warning is written at once.
   * Costs a volatile read when nothing was warned of.
   */
  public void recovered(String message) {
    if (!warned) {
      return;
    }
    synchronized (this) {
      if (warned) {
        log.info("{} ({} more had failed since the last warning)", message, leftOut);
        warned = false;
        leftOut = 0;
      }
    }
  }
}
