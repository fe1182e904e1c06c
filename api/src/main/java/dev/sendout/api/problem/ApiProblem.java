package dev.sendout.api.problem;

import java.time.Duration;
import java.util.List;

/** A caller's mistake, answered as an RFC 9457 problem detail of the given type. */
public class ApiProblem extends RuntimeException {

  private final ProblemType type;
  private final List<FieldProblem> errors;
  private final Duration retryAfter;

  public ApiProblem(ProblemType type, String detail) {
    this(type, detail, List.of());
  }

  public ApiProblem(ProblemType type, String detail, List<FieldProblem> errors) {
    this(type, detail, errors, null);
  }

  /** A refusal that may succeed later: {@code retryAfter} becomes the Retry-After header. */
  public ApiProblem(ProblemType type, String detail, Duration retryAfter) {
    this(type, detail, List.of(), retryAfter);
  }

  private ApiProblem(
      ProblemType type, String detail, List<FieldProblem> errors, Duration retryAfter) {
    super(detail, null, false, false);
    this.type = type;
    this.errors = List.copyOf(errors);
    this.retryAfter = retryAfter;
  }

  public static ApiProblem invalid(List<FieldProblem> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).pointer() + ": " + errors.get(0).detail()
            : errors.size() + " fields are invalid; see errors";
    return new ApiProblem(ProblemType.INVALID_REQUEST, detail, errors);
  }

  public static ApiProblem invalid(String pointer, String detail) {
    return invalid(List.of(new FieldProblem(pointer, detail)));
  }

  public ProblemType type() {
    return type;
  }

  public List<FieldProblem> errors() {
    return errors;
  }

  /** When to retry, or null when the problem does not say. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
