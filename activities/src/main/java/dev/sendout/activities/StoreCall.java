package dev.sendout.activities;

import dev.sendout.core.store.StoreErrors;
import dev.sendout.workflows.StoreCalls;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;

/**
 * Runs a store activity's work and classifies what fails: data the database refuses becomes a
 * non-retryable {@link StoreCalls#DATA_REFUSED} failure, since every retry would be refused the
 * same way and the workflow would wait on it forever; anything else (a lost connection, a deadlock)
 * is thrown as it is, for the activity's retry policy to retry.
 */
public final class StoreCall {

  private StoreCall() {}

  public static <T> T classified(Supplier<T> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      if (StoreErrors.isDataError(e)) {
        throw ApplicationFailure.newNonRetryableFailureWithCause(
            StoreErrors.reason(e), StoreCalls.DATA_REFUSED, e);
      }
      throw e;
    }
  }

  public static void classified(Runnable work) {
    classified(
        () -> {
          work.run();
          return null;
        });
  }
}
