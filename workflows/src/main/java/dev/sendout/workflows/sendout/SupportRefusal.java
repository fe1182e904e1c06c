package dev.sendout.workflows.sendout;

import io.temporal.failure.ApplicationFailure;

/** How a sendout workflow refuses a support action that makes no sense in its current state. */
public final class SupportRefusal {

  /** The failure type of every refusal; its message says why, for the person who asked. */
  public static final String WRONG_STATE = "WrongState";

  /**
   * The failure type of an action refused for its input, which only the Temporal UI or CLI can send
   * wrong: the API fills it in.
   */
  public static final String INVALID_INPUT = "InvalidInput";

  /**
   * The failure type of an action whose store write was refused for its data: the action is not
   * taken, and the sendout carries on as before it.
   */
  public static final String STORE_REFUSED = "StoreRefused";

  /**
   * Why a resend found nothing to send: said the same by a running workflow and by the API before
   * it reopens a completed one. A responder's UNCONFIRMED invitation is listed, and is not sent
   * again: the bare "no UNCONFIRMED message" contradicted the listing (a survey-features drill).
   */
  public static final String NOTHING_TO_RESEND =
      "No UNCONFIRMED or FAILED message to send again (an invitation or reminder to a recipient"
          + " who responded is not sent again, nor anything to a recipient on the suppression"
          + " list)";

  static ApplicationFailure storeRefused(SupportActionType action, String why) {
    return ApplicationFailure.newNonRetryableFailure(
        "The " + action.name().toLowerCase(java.util.Locale.ROOT) + " action was not taken: " + why,
        STORE_REFUSED);
  }

  static ApplicationFailure wrongState(String why) {
    return ApplicationFailure.newNonRetryableFailure(why, WRONG_STATE);
  }

  static ApplicationFailure invalidInput(String why) {
    return ApplicationFailure.newNonRetryableFailure(why, INVALID_INPUT);
  }

  /** Whether a failure is a refusal: a person asked for what cannot be done, nothing failed. */
  public static boolean isRefusal(ApplicationFailure failure) {
    return WRONG_STATE.equals(failure.getType()) || INVALID_INPUT.equals(failure.getType());
  }

  private SupportRefusal() {}
}
