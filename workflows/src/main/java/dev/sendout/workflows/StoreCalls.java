package dev.sendout.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
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
   * The stub for a workflow's short store calls: local activities from version 1 of {@link
   * #LOCAL_STORE_CALLS}, the activities of old before. Workflow code; the first call in a run
   * decides the version for the whole run.
   */
  public static <T> T shortCalls(Class<T> activities) {
    return Workflow.getVersion(LOCAL_STORE_CALLS, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION
        ? Workflow.newActivityStub(activities, OPTIONS)
        : Workflow.newLocalActivityStub(activities, LOCAL_OPTIONS);
  }

  private StoreCalls() {}
}
