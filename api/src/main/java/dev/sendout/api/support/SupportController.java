package dev.sendout.api.support;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.tenant.ApiKeyFilter;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.workflows.sendout.SupportActionType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What support staff do with a sendout in trouble: add recipients, pause, resume, cancel, resend,
 * acknowledge a stuck flag, read the audit trail. The sendouts that need attention are listed by
 * {@link dev.sendout.api.sendout.SendoutListController} with {@code stuck=true}.
 */
@RestController
@RequestMapping("/v1/sendouts")
public class SupportController {

  private final AddRecipientsService additions;
  private final SupportService support;
  private final ApiKeyFilter keys;

  public SupportController(
      AddRecipientsService additions, SupportService support, ApiKeyFilter keys) {
    this.additions = additions;
    this.support = support;
    this.keys = keys;
  }

  @Operation(
      summary = "Add recipients to a sendout that is not finished",
      description =
          "Stores them as new messages and hands them to the sendout's workflow. Repeating the"
              + " request with the same Idempotency-Key adds nothing and answers the same range.")
  @ApiResponse(responseCode = "202", description = "Accepted; the range names the new messages")
  @ApiResponse(responseCode = "400", description = "Invalid request; errors name each field")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @ApiResponse(responseCode = "409", description = "The sendout is finished or refused them")
  @ApiResponse(responseCode = "422", description = "Idempotency-Key reused for another request")
  @ApiResponse(
      responseCode = "503",
      description = "The database unavailable: nothing stored; retry with the same Idempotency-Key")
  @PostMapping(
      path = "/{id}/recipients",
      consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
  public ResponseEntity<RecipientsAdded> addRecipients(
      Tenant tenant,
      @PathVariable UUID id,
      @RequestBody AddRecipientsRequest request,
      @Parameter(
              description =
                  "Who is adding them, for the audit trail, as an upload says it; or by in the"
                      + " body")
          @RequestParam(required = false)
          String by,
      @Parameter(description = "Makes retries safe: the same key adds the recipients once")
          @RequestHeader(name = "Idempotency-Key", required = false)
          String idempotencyKey) {
    return accepted(additions.add(tenant, id, withBy(request, by), idempotencyKey));
  }

  /**
   * The request with {@code by} from the query where the body does not say it: one path, one
   * Operation in the OpenAPI document, takes by in the query for uploads and JSON alike.
   */
  private static AddRecipientsRequest withBy(AddRecipientsRequest request, String by) {
    if (by == null || request == null || by.equals(request.by())) {
      return request;
    }
    if (request.by() != null) {
      throw ApiProblem.invalid("by", "given in the query and in the body, differently");
    }
    return new AddRecipientsRequest(request.recipients(), by);
  }

  /** 202 with the added range, saying whether the call repeated an earlier one. */
  private static ResponseEntity<RecipientsAdded> accepted(AddRecipientsService.Result result) {
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .header("Idempotent-Replayed", String.valueOf(result.replayed()))
        .body(result.added());
  }

  @Operation(
      summary = "Upload recipients to a sendout that is not finished, as NDJSON or CSV",
      description =
          "One recipient per line: NDJSON objects as in a JSON request, or CSV with a header row"
              + " naming email or phone, optionally name, externalId and timeZone (IANA), and a"
              + " column per"
              + " variable. Read as a"
              + " stream and stored a thousand at a time, so any size fits in bounded memory. One"
              + " bad line rejects the whole upload and stores nothing; the problem names each bad"
              + " line as #line=N (the header is line 1 of a CSV).")
  // One operation in OpenAPI with the JSON addition above (same path and method): its body is any.
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = AddRecipientsRequest.class)),
        @Content(
            mediaType = "application/x-ndjson",
            schema =
                @Schema(
                    type = "string",
                    description = "One recipient object per line, as in the JSON body",
                    example =
                        "{\"email\":\"ann@example.com\",\"variables\":{\"firstName\":\"Ann\"}}")),
        @Content(
            mediaType = "text/csv",
            schema =
                @Schema(
                    type = "string",
                    description = "A header row, then one recipient per row",
                    example = "email,name,firstName\nann@example.com,Ann,Ann\n"))
      })
  @ApiResponse(responseCode = "202", description = "Accepted; the range names the new messages")
  @ApiResponse(responseCode = "400", description = "A bad line; errors name it")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @ApiResponse(responseCode = "409", description = "The sendout is finished or refused them")
  @ApiResponse(responseCode = "413", description = "Over sendout.api.max-upload-size")
  @PostMapping(
      path = "/{id}/recipients",
      consumes = {"application/x-ndjson", "text/csv"})
  public ResponseEntity<RecipientsAdded> upload(
      Tenant tenant,
      @PathVariable UUID id,
      // The body's media type, which OpenAPI describes with the body, never as a parameter.
      @Parameter(hidden = true) @RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
      @Parameter(description = "Who is adding them, for the audit trail")
          @RequestParam(required = false)
          String by,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      HttpServletRequest request)
      throws IOException {
    var format =
        contentType.isCompatibleWith(MediaType.parseMediaType("text/csv"))
            ? UploadedRecipients.Format.CSV
            : UploadedRecipients.Format.NDJSON;
    return accepted(
        additions.upload(
            tenant,
            id,
            format,
            charset(contentType),
            request.getInputStream(),
            by,
            idempotencyKey,
            () -> keys.recheck(request)));
  }

  /** The charset the upload declares, UTF-8 when it declares none; one Java lacks is a 415. */
  public static Charset charset(MediaType contentType) {
    try {
      Charset declared = contentType.getCharset();
      return declared == null ? StandardCharsets.UTF_8 : declared;
    } catch (IllegalArgumentException e) {
      throw new ApiProblem(
          ProblemType.UNSUPPORTED_MEDIA_TYPE,
          "Unsupported charset in Content-Type: " + contentType.getParameter("charset"));
    }
  }

  @Operation(
      summary =
          "Pause, resume, cancel, resend, acknowledge, skip the next reminder or cancel reminders",
      description =
          "pause stops new sends and resume restarts them; cancel cancels every message not yet"
              + " sent; resend sends the UNCONFIRMED and FAILED messages again (not those of"
              + " recipients who responded or are on the suppression list), also once the"
              + " sendout has completed (it is SENDING again until they settle); acknowledge"
              + " records that a person has seen the stuck flag, and needs a note;"
              + " skip-next-reminder drops the next reminder wave for everyone still due for it;"
              + " cancel-reminders drops every wave still to come. With an Idempotency-Key the"
              + " action is taken once: a repeat, say after a 503, answers what the first did.")
  @ApiResponse(
      responseCode = "200",
      description =
          "Taken; messages says how many it affected (for acknowledge, how many of the"
              + " sendout's findings it acknowledged)")
  @ApiResponse(
      responseCode = "400",
      description = "Invalid body or Idempotency-Key, or acknowledge without a note")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @ApiResponse(responseCode = "409", description = "Not possible in the sendout's state")
  @ApiResponse(
      responseCode = "422",
      description = "The Idempotency-Key took another action on this sendout")
  @ApiResponse(
      responseCode = "503",
      description =
          "Temporal did not answer in time; the action may still be taken: repeat it with the"
              + " same Idempotency-Key")
  @PostMapping(
      "/{id}/{action:pause|resume|cancel|resend|acknowledge|skip-next-reminder|cancel-reminders}")
  public ResponseEntity<ActionTaken> act(
      Tenant tenant,
      @PathVariable UUID id,
      @Parameter(
              schema =
                  @Schema(
                      allowableValues = {
                        "pause",
                        "resume",
                        "cancel",
                        "resend",
                        "acknowledge",
                        "skip-next-reminder",
                        "cancel-reminders"
                      }))
          @PathVariable
          String action,
      @RequestBody(required = false) SupportActionRequest request,
      @Parameter(
              description =
                  "Makes retries safe: the same key takes the action on this sendout once, and a"
                      + " repeat answers the first call's result")
          @RequestHeader(name = "Idempotency-Key", required = false)
          String idempotencyKey) {
    SupportService.Taken taken =
        support.take(tenant, id, actionType(action), request, idempotencyKey);
    return ResponseEntity.ok()
        .header("Idempotent-Replayed", String.valueOf(taken.replayed()))
        .body(taken.action());
  }

  /** The path's action: its name, or for the reminders' actions their own path names. */
  private static SupportActionType actionType(String action) {
    return switch (action) {
      case "skip-next-reminder" -> SupportActionType.SKIP_REMINDER;
      case "cancel-reminders" -> SupportActionType.CANCEL_REMINDERS;
      default -> SupportActionType.valueOf(action.toUpperCase(Locale.ROOT));
    };
  }

  @Operation(
      summary = "Who did what to a sendout and when, oldest first, a page at a time",
      description =
          "Every action and every addition of recipients is an entry. Pass nextCursor as cursor"
              + " for the next page; it is null on the last.")
  @ApiResponse(responseCode = "200", description = "A page of the audit trail")
  @ApiResponse(responseCode = "400", description = "Invalid limit or cursor")
  @ApiResponse(responseCode = "404", description = "No such sendout")
  @GetMapping("/{id}/audit")
  public AuditView audit(
      Tenant tenant,
      @PathVariable UUID id,
      @Parameter(
              description =
                  "Page size, 1 to "
                      + SupportService.MAX_AUDIT_PAGE
                      + "; "
                      + SupportService.MAX_AUDIT_PAGE
                      + " if omitted",
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "1",
                      maximum = "" + SupportService.MAX_AUDIT_PAGE))
          @RequestParam(required = false)
          Integer limit,
      @Parameter(description = "nextCursor of the previous page; omitted or empty: the first page")
          @RequestParam(required = false)
          String cursor) {
    return support.audit(tenant, id, limit, cursor);
  }
}
