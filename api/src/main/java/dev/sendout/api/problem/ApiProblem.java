package dev.sendout.api.problem;

import java.util.List;

/** A caller's mistake, answered as an RFC 9457 problem detail of the given type. */
public class ApiProblem extends RuntimeException {

  private final ProblemType type;
  private final List<FieldProblem> errors;

  public ApiProblem(ProblemType type, String detail) {
    this(type, detail, List.of());
  }

  public ApiProblem(ProblemType type, String detail, List<FieldProblem> errors) {
    super(detail, null, false, false);
    this.type = type;
    this.errors = List.copyOf(errors);
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
}
