package dev.sendout.workflows.batch;

/**
 * Types of the retryable failures a delivery activity raises. Permanent refusals are not failures
 * of the activity: they are recorded as FAILED messages and the activity completes.
 */
public enum DeliveryFailure {
  /** The provider asked us to slow down; the retry waits for its Retry-After. */
  PROVIDER_THROTTLED,
  /** The provider answered 5xx, refused our credentials, or could not be reached. */
  PROVIDER_UNAVAILABLE,
  /** Support staff paused the sendout; the call is retried until they resume it. */
  SENDOUT_PAUSED,
  /**
   * Some of the batch's recipients are outside their delivery window; the call sent the others and
   * is retried until the window opens for them.
   */
  OUTSIDE_WINDOW,
  /**
   * An email call in the sendout's workflow task had more requests than time for them: it sent
   * some, and the batch goes on as the activity with the rest.
   */
  REQUESTS_LEFT;

  /**
   * Whether a failure of this type is a wait (a pause, a closed window) or a hand-over (requests
   * left to the activity), not a fault.
   */
  public static boolean isWait(String type) {
    return SENDOUT_PAUSED.name().equals(type)
        || OUTSIDE_WINDOW.name().equals(type)
        || REQUESTS_LEFT.name().equals(type);
  }
}
