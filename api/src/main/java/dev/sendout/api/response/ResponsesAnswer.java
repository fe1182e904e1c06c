package dev.sendout.api.response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The answer to a call that reports responses: one result per response, in the order given, and the
 * totals. Unknown recipients and invalid responses are results, not a failed call.
 */
public record ResponsesAnswer(List<Result> results, Totals totals) {

  /** What became of one response. */
  public enum Outcome {
    /** Recorded now: the recipient had no response. */
    RECORDED,
    /** The recipient's response was recorded before (or earlier in this call): nothing changed. */
    ALREADY_RECORDED,
    /** No recipient of this sendout matches: nothing changed. */
    UNKNOWN,
    /** The response itself is wrong (see {@code errors}): nothing changed. */
    INVALID
  }

  /**
   * @param item the response's index in {@code responses} (from 0) for JSON, its line (from 1) for
   *     NDJSON
   * @param messageId the message the response matched; JSON answers only
   * @param respondedAt the response time the recipient holds now; JSON answers only
   * @param errors why an INVALID response is, each with its pointer ({@code /responses/3/messageId}
   *     or {@code #line=4/messageId})
   */
  public record Result(
      int item,
      Outcome result,
      @JsonInclude(Include.NON_NULL) UUID messageId,
      @JsonInclude(Include.NON_NULL) Instant respondedAt,
      @JsonInclude(Include.NON_EMPTY) List<ResultError> errors) {}

  /** One reason a response is invalid. */
  public record ResultError(
      @Schema(example = "/responses/3/messageId") String pointer,
      @Schema(example = "not a message id (a UUID)") String detail) {}

  /** How many responses the call carried, and what became of them. */
  public record Totals(
      long received, long recorded, long alreadyRecorded, long unknown, long invalid) {}
}
