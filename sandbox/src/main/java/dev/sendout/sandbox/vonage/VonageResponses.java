package dev.sendout.sandbox.vonage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Builds the answers of {@code POST /v1/messages} as the Messages API words and shapes them. */
public final class VonageResponses {

  private static final String ERRORS = "https://developer.vonage.com/api-errors";

  private VonageResponses() {}

  /** The only body of a 202. */
  record Accepted(@JsonProperty("message_uuid") String messageUuid) {}

  static ResponseEntity<?> accepted(String messageUuid) {
    return ResponseEntity.accepted()
        .contentType(MediaType.APPLICATION_JSON)
        .body(new Accepted(messageUuid));
  }

  static ResponseEntity<?> unauthorized() {
    return problem(
        HttpStatus.UNAUTHORIZED,
        VonageProblem.of(
            ERRORS + "#unauthorized", "Unauthorized", "You did not provide correct credentials."));
  }

  static ResponseEntity<?> throttled() {
    return problem(
        HttpStatus.TOO_MANY_REQUESTS,
        VonageProblem.of(
            ERRORS + "#throttled", "Rate Limit Hit", "Please wait, then retry your request"));
  }

  static ResponseEntity<?> invalidJson() {
    return problem(
        HttpStatus.BAD_REQUEST,
        VonageProblem.of(
            ERRORS + "#invalid-json",
            "Invalid JSON",
            "The request body did not contain valid JSON"));
  }

  static ResponseEntity<?> invalidParams(List<InvalidParameter> problems) {
    return problem(
        HttpStatus.UNPROCESSABLE_CONTENT,
        VonageProblem.of(
            ERRORS + "/messages#1150",
            "Invalid params",
            "The value of one or more parameters is invalid.",
            problems));
  }

  static ResponseEntity<?> serverError() {
    return problem(
        HttpStatus.INTERNAL_SERVER_ERROR,
        VonageProblem.of(
            ERRORS + "/messages#1030",
            "Internal error",
            "There was an error processing your request in the Platform."));
  }

  /** Answers a sandbox control request with impossible parameters, in the same problem shape. */
  public static ResponseEntity<?> badRequest(List<InvalidParameter> problems) {
    return problem(
        HttpStatus.BAD_REQUEST,
        VonageProblem.of(
            ERRORS + "#invalid-params",
            "Invalid params",
            "The value of one or more parameters is invalid.",
            problems));
  }

  private static ResponseEntity<?> problem(HttpStatus status, VonageProblem body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
  }
}
