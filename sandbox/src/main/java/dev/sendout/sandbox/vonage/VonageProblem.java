package dev.sendout.sandbox.vonage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.UUID;

/**
 * Vonage's RFC 7807 error body. Each answer gets a fresh {@code instance}, which Vonage uses as the
 * trace id of the failed request.
 *
 * @param type the stable error type URL
 * @param title a short summary
 * @param detail what went wrong
 * @param instance a random uuid
 * @param invalidParameters the offending parameters, only on validation errors
 */
@JsonPropertyOrder({"type", "title", "detail", "instance", "invalid_parameters"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VonageProblem(
    String type,
    String title,
    String detail,
    String instance,
    @JsonProperty("invalid_parameters") List<InvalidParameter> invalidParameters) {

  static VonageProblem of(String type, String title, String detail) {
    return new VonageProblem(type, title, detail, UUID.randomUUID().toString(), null);
  }

  static VonageProblem of(
      String type, String title, String detail, List<InvalidParameter> invalidParameters) {
    return new VonageProblem(type, title, detail, UUID.randomUUID().toString(), invalidParameters);
  }
}
