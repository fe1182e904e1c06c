package dev.sendout.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** How workflows call the store's activities (release, receipt checks, marks). */
public final class StoreCalls {

  /**
   * The slowest store call is the release, one set-based UPDATE over a sendout's messages; a minute
   * covers a million rows. Retries are unbounded because a sendout must not give up while the
   * database is away: deadlines (not this policy) are what make a delay visible.
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

  private StoreCalls() {}
}
