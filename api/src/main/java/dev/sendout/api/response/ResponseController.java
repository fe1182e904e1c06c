package dev.sendout.api.response;

import dev.sendout.api.support.SupportController;
import dev.sendout.api.tenant.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The survey platform reports who responded. */
@RestController
@RequestMapping("/v1/sendouts")
public class ResponseController {

  private static final String DESCRIPTION =
      " Each response names its recipient by exactly one of externalId, messageId or address, and"
          + " may say when they responded (respondedAt, default now). A response is recorded once"
          + " and is final: the first recorded wins, and a repeated or later report changes"
          + " nothing, so the call is safe to repeat. It is recorded whatever the message's"
          + " delivery status and changes no status. Unknown recipients and invalid responses"
          + " are results in the answer (UNKNOWN, INVALID), not a failed call.";

  private final ResponseService responses;

  public ResponseController(ResponseService responses) {
    this.responses = responses;
  }

  /**
   * The one operation the document describes for both bodies: springdoc merges the two handlers of
   * this path and method into one, so both carry the same description.
   */
  private static final String SUMMARY =
      "Record survey responses: JSON of 1 to 1,000, or NDJSON in bulk (one response per line)";

  private static final String BOTH =
      "As application/json: {\"responses\":[...]}, 1 to 1,000; the answer names each by its index."
          + " As application/x-ndjson: one response object per line, read as a stream and recorded"
          + " a thousand lines at a time, so any size fits in bounded memory (up to"
          + " sendout.api.max-upload-size); the answer names each non-blank line by its number,"
          + " without messageId and respondedAt, and lists the reasons of the first 1,000 invalid"
          + " lines. If an import fails part way, repeat it: what was recorded is answered"
          + " ALREADY_RECORDED."
          + DESCRIPTION;

  @Operation(summary = SUMMARY, description = BOTH)
  @ApiResponse(responseCode = "200", description = "A result per response, and the totals")
  @ApiResponse(
      responseCode = "400",
      description =
          "JSON: no responses, more than 1,000, or not a responses object; NDJSON: no lines")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @ApiResponse(responseCode = "413", description = "Over the body size limit")
  @PostMapping(path = "/{id}/responses", consumes = MediaType.APPLICATION_JSON_VALUE)
  public ResponsesAnswer record(
      Tenant tenant, @PathVariable UUID id, @RequestBody ResponsesRequest request) {
    return responses.record(tenant, id, request);
  }

  @Operation(summary = SUMMARY, description = BOTH)
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      content =
          @Content(
              mediaType = "application/x-ndjson",
              schema =
                  @Schema(
                      type = "string",
                      description = "One response object per line, as in the JSON body",
                      example = "{\"externalId\":\"respondent-8812\"}")))
  @ApiResponse(responseCode = "200", description = "A result per response, and the totals")
  @ApiResponse(
      responseCode = "400",
      description =
          "JSON: no responses, more than 1,000, or not a responses object; NDJSON: no lines")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @ApiResponse(responseCode = "413", description = "Over the body size limit")
  @PostMapping(path = "/{id}/responses", consumes = "application/x-ndjson")
  public ResponsesAnswer importResponses(
      Tenant tenant,
      @PathVariable UUID id,
      @Parameter(hidden = true) @RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
      HttpServletRequest request)
      throws IOException {
    return responses.importNdjson(
        tenant, id, request.getInputStream(), SupportController.charset(contentType));
  }
}
