package dev.sendout.sandbox.vonage.statuses;

import java.util.List;

/**
 * What the fake Vonage decided, when it accepted an SMS, its status webhooks will report. The
 * outcome is kept with the message record, so a test can tell exactly which messages were silenced
 * and so must be flagged by the engine on its own.
 *
 * @param outcome the final status, or silence
 * @param submitted whether a {@code submitted} status comes before the final one
 */
public record Fate(Outcome outcome, boolean submitted) {

  public enum Outcome {
    DELIVERED,
    REJECTED,
    UNDELIVERABLE,
    /** Accepted, and then never a single status: the failure the engine must notice by itself. */
    SILENT
  }

  /** The statuses to post, in order. */
  List<StatusType> statuses() {
    return switch (outcome) {
      case SILENT -> List.of();
      case REJECTED -> List.of(StatusType.REJECTED);
      case UNDELIVERABLE -> withSubmitted(StatusType.UNDELIVERABLE);
      case DELIVERED -> withSubmitted(StatusType.DELIVERED);
    };
  }

  private List<StatusType> withSubmitted(StatusType last) {
    return submitted ? List.of(StatusType.SUBMITTED, last) : List.of(last);
  }
}
