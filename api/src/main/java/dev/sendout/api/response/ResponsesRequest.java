package dev.sendout.api.response;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Body of {@code POST /v1/sendouts/{id}/responses} as JSON: 1 to 1,000 responses. The same objects,
 * one per line, make the {@code application/x-ndjson} body of a bulk import.
 */
@Schema(example = "{\"responses\":[{\"externalId\":\"respondent-8812\"}]}")
public record ResponsesRequest(
    @ArraySchema(
            arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED),
            minItems = 1,
            maxItems = ResponseService.MAX_PER_REQUEST,
            schema = @Schema(implementation = Response.class))
        List<Response> responses) {

  /**
   * One recipient's response, naming the recipient by exactly one of {@code externalId}, {@code
   * messageId} or {@code address}.
   */
  @Schema(example = "{\"externalId\":\"respondent-8812\"}")
  public record Response(
      @Schema(
              description = "The externalId the recipient was given on create or addition",
              example = "respondent-8812")
          String externalId,
      @Schema(
              description = "Our id of the recipient's message (as listed under messages)",
              example = "0b7f5a4e-3f0e-4a64-9d6b-2a8e0f6f1c11")
          String messageId,
      @Schema(
              description =
                  "The recipient's email address (compared without regard to case) or phone"
                      + " number in E.164; every message of the sendout to it is answered",
              example = "ann@example.com")
          String address,
      @Schema(
              description =
                  "RFC 3339 date-time of the response; omitted means now. At most 5 minutes"
                      + " ahead of our clock, and at most 5 minutes before the sendout was"
                      + " created",
              example = "2026-12-01T10:15:00Z")
          String respondedAt) {}
}
