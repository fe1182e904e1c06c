package dev.sendout.api.response;

import dev.sendout.api.support.SupportController;
import dev.sendout.api.tenant.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
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

  @Operation(
      summary = "Record survey responses: 1 to 1,000 per call",
      description =
          "The answer has one result per response, by its index, and the totals." + DESCRIPTION)
  @ApiResponse(responseCode = "200", description = "A result per response, and the totals")
  @ApiResponse(
      responseCode = "400",
      description = "No responses, more than 1,000, or a body that is not a responses object")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @PostMapping(path = "/{id}/responses", consumes = MediaType.APPLICATION_JSON_VALUE)
  public ResponsesAnswer record(
      Tenant tenant, @PathVariable UUID id, @RequestBody ResponsesRequest request) {
    return responses.record(tenant, id, request);
  }

  @Operation(
      summary = "Import survey responses in bulk, one JSON response object per line (NDJSON)",
      description =
          "Read as a stream and recorded a thousand lines at a time, so any size fits in bounded"
              + " memory (up to sendout.api.max-upload-size). The answer has one result per"
              + " non-blank line, by its line number, without messageId and respondedAt, and"
              + " the totals; the reasons of the first 1,000 invalid lines are listed. If the"
              + " call fails part way, repeat it: what was recorded is answered ALREADY_RECORDED."
              + DESCRIPTION)
  @ApiResponse(responseCode = "200", description = "A result per line, and the totals")
  @ApiResponse(responseCode = "400", description = "The body holds no responses")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @ApiResponse(responseCode = "413", description = "Over sendout.api.max-upload-size")
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
