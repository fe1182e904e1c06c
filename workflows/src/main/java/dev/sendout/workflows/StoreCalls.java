package dev.sendout.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;

/** How workflows call the store's activities (release, receipt checks, marks). */
public final class StoreCalls {

  /**
   * The slowest store call is the release, one set-based UPDATE over a sendout's messages; a minute
   * covers a million rows. Retries are unbounded because a sendout must not give up while the
   * database is away: deadlines (not this policy) are what make a delay visible. Data the database
   * refuses fails at once instead ({@link #DATA_REFUSED}), since retrying cannot fix it.
   */
  public static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .build())
          .build();

  /**
   * The failure type of a store call whose data the database refuses (Postgres SQLState class 22 or
   * 23, such as a NUL in a text). Non-retryable: a retry sends the same data and is refused again.
   */
  public static final String DATA_REFUSED = "StoreRefusedData";

  /**
   * From version 1 the store calls that are short and awaited at once (the marks, the receipt
   * checks) run as local activities: in the workflow's own worker, recorded as one marker in the
   * workflow task that calls them, instead of an activity task and a second workflow task each.
   * They are a large share of a small sendout's cost. A local activity retries like the others. The
   * release stays an activity: its deadline timer must be able to fire while it is retried, which a
   * local activity's open workflow task would hold back.
   */
  public static final String LOCAL_STORE_CALLS = "local-store-calls";

  /** How short store calls run as local activities: as {@link #OPTIONS}, in the worker itself. */
  public static final LocalActivityOptions LOCAL_OPTIONS =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(OPTIONS.getStartToCloseTimeout())
          .setRetryOptions(OPTIONS.getRetryOptions())
          .build();

  /**
   * From version 1 a short store call that failed all the same is retried by the workflow, after a
   * durable timer. A local activity's retries are the worker's own, and under load the SDK 1.38
   * gave one up at its first attempt, in a workflow task that had timed out (a receipt check that
   * waited 5 s for a database connection, in the small-sendout benchmark): the failure reached the
   * workflow code, where it ended an inline batch's thread unseen and left its sendout SENDING for
   * good. Asked only when such a failure happens, so histories without one replay as they were.
   */
  public static final String RETRY_FAILED_CALLS = "retry-failed-store-calls";

  /**
   * The stub for a workflow's short store calls: local activities from version 1 of {@link
   * #LOCAL_STORE_CALLS} (retried by the workflow when one fails all the same, {@link
   * #RETRY_FAILED_CALLS}), the activities of old before. Workflow code; the first call in a run
   * decides the version for the whole run.
   */
  public static <T> T shortCalls(Class<T> activities) {
    if (!Changes.has(LOCAL_STORE_CALLS)) {
      return Workflow.newActivityStub(activities, OPTIONS);
    }
    T calls = Workflow.newLocalActivityStub(activities, LOCAL_OPTIONS);
    return activities.cast(
        Proxy.newProxyInstance(
            activities.getClassLoader(),
            new Class<?>[] {activities},
            (proxy, method, args) -> retried(calls, method, args)));
  }

  /**
   * Calls the local activity until it succeeds, the database refuses its data ({@link
   * #DATA_REFUSED}: a retry would be refused the same way), or the run predates {@link
   * #RETRY_FAILED_CALLS}; waits as {@link #OPTIONS} retries, 1 s doubling to 30 s.
   */
  private static Object retried(Object calls, Method method, Object[] args) throws Throwable {
    RetryOptions retry = OPTIONS.getRetryOptions();
    Duration backoff = retry.getInitialInterval();
    while (true) {
      try {
        return method.invoke(calls, args);
      } catch (InvocationTargetException e) {
        Throwable failure = e.getCause();
        if (!(failure instanceof ActivityFailure)
            || (failure.getCause() instanceof ApplicationFailure refused
                && DATA_REFUSED.equals(refused.getType()))
            || !Changes.has(RETRY_FAILED_CALLS)) {
          throw failure;
        }
        // One line with the reason, not the trace: every waiting workflow retries so through a
        // database outage (a trace of 45 lines per retry, and an unfilled placeholder, an ops
        // check found), and the activity's own failure is logged where it happened.
        Workflow.getLogger(StoreCalls.class)
            .warn(
                "Store call {} failed; retrying in {}: {}",
                method.getName(),
                backoff,
                reason(failure));
        Workflow.sleep(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff =
            doubled.compareTo(retry.getMaximumInterval()) > 0
                ? retry.getMaximumInterval()
                : doubled;
      }
    }
  }

  /** The innermost cause's message: the store's own words, under the SDK's wrappers. */
  public static String reason(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root instanceof ApplicationFailure application
            ? application.getOriginalMessage()
            : root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  private StoreCalls() {}
}
