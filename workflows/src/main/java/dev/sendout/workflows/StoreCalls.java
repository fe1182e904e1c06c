package dev.sendout.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
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

  private StoreCalls() {}
}
