package dev.sendout.core.temporal;

import io.grpc.Context;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs Temporal calls under a gRPC deadline. The SDK retries an unreachable server, and waits for
 * an Update's acceptance, in loops of its own, for up to a minute; the context's deadline bounds
 * every call they make on this thread, so that a caller gets an answer in time, and a scheduled
 * round that calls Temporal ends soon enough for the process to stop (the outbox relay's held the
 * api's shutdown for its whole 30 s while Temporal was down).
 */
public final class TemporalDeadline {

  /** Fires the deadlines; one daemon thread is plenty, it only cancels calls. */
  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "temporal-call-deadline");
            t.setDaemon(true);
            return t;
          });

  private TemporalDeadline() {}

  /** {@code calls}' result, or the failure of a call cut off at the deadline. */
  public static <T> T within(Duration deadline, Callable<T> calls) {
    Context.CancellableContext bounded =
        Context.current().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS, DEADLINES);
    try {
      return bounded.call(calls);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("A Temporal call threw a checked exception", e);
    } finally {
      bounded.cancel(null);
    }
  }

  /** {@link #within(Duration, Callable)} for calls with no result. */
  public static void within(Duration deadline, Runnable calls) {
    within(
        deadline,
        () -> {
          calls.run();
          return null;
        });
  }
}
