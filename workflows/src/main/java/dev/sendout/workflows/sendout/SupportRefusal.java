package dev.sendout.workflows.sendout;

import io.temporal.failure.ApplicationFailure;

/** How a sendout workflow refuses a support action that makes no sense in its current state. */
public final class SupportRefusal {

  /** The failure type of every refusal; its message says why, for the person who asked. */
  public static final String WRONG_STATE = "WrongState";

  static ApplicationFailure wrongState(String why) {
    return ApplicationFailure.newNonRetryableFailure(why, WRONG_STATE);
  }

  private SupportRefusal() {}
}
