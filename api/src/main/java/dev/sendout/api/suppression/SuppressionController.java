package dev.sendout.api.suppression;

import dev.sendout.api.Cursors;
import dev.sendout.api.PageSize;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.core.suppression.SuppressionKey;
import dev.sendout.core.suppression.SuppressionReason;
import dev.sendout.core.suppression.SuppressionStore;
import dev.sendout.core.suppression.SuppressionStore.Filter;
import dev.sendout.core.suppression.SuppressionStore.NewEntry;
import dev.sendout.core.suppression.SuppressionStore.Position;
import dev.sendout.workflows.sendout.Channel;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's suppression list: the addresses and numbers its sendouts never send to. Provider
 * events fill it on their own (hard bounces, spam reports, unsubscribes); these calls list it, look
 * one address up, add one or a CSV file of them, and take one off, which the audit trail records.
 * An address in a path is URL-decoded and normalised as the list stores it, so {@code
 * Ana@EXAMPLE.com} and {@code ana@example.com} are the same entry.
 */
@RestController
@RequestMapping("/v1/suppressions")
public class SuppressionController {

  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 200;

  private static final String CURSOR = "suppression:";

  private final SuppressionStore suppressions;

  public SuppressionController(SuppressionStore suppressions) {
    this.suppressions = suppressions;
  }

  @Operation(
      summary = "The caller's suppression list, one page at a time",
      description =
          "Newest first (by createdAt, then entry), filtered by channel and reason. Pass nextCursor"
              + " as cursor, with the same filters, for the next page; it is null on the last.")
  @ApiResponse(responseCode = "200", description = "A page of the list")
  @ApiResponse(responseCode = "400", description = "An invalid filter, limit or cursor")
  @GetMapping
  public SuppressionPage list(
      Tenant tenant,
      @Parameter(
              description = "Only entries of this channel",
              schema = @Schema(implementation = Channel.class))
          @RequestParam(required = false)
          String channel,
      @Parameter(
              description = "Only entries of this reason",
              schema = @Schema(implementation = SuppressionReason.class))
          @RequestParam(required = false)
          String reason,
      @Parameter(description = "nextCursor of the previous page; omitted or empty: the first page")
          @RequestParam(required = false)
          String cursor,
      @Parameter(
              description =
                  "Page size, 1 to " + MAX_PAGE_SIZE + "; " + DEFAULT_PAGE_SIZE + " if omitted",
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "1",
                      maximum = "" + MAX_PAGE_SIZE))
          @RequestParam(required = false)
          Integer limit) {
    int size = PageSize.of(limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    var page =
        suppressions.list(
            tenant.id(),
            new Filter(
                parse("channel", channel, Channel.class),
                parse("reason", reason, SuppressionReason.class)),
            position(cursor),
            size);
    return new SuppressionPage(
        page.items().stream().map(SuppressionView::of).toList(),
        page.next() == null ? null : cursor(page.next()));
  }

  @Operation(
      summary = "Whether an address or number is suppressed, and why",
      description =
          "The address is URL-decoded and normalised first (email: lower-cased, its domain in ASCII;"
              + " phone: E.164 without separators).")
  @ApiResponse(responseCode = "200", description = "It is suppressed; the entry says why")
  @ApiResponse(responseCode = "400", description = "Neither an email address nor an E.164 number")
  @ApiResponse(responseCode = "404", description = "It is not suppressed")
  @GetMapping("/{address}")
  public SuppressionView lookup(
      Tenant tenant,
      @Parameter(description = "An email address, or a phone number in E.164 format") @PathVariable
          String address) {
    SuppressionKey key = key("address", address);
    return suppressions
        .lookup(tenant.id(), key)
        .map(SuppressionView::of)
        .orElseThrow(() -> notSuppressed(key));
  }

  @Operation(
      summary = "Suppress one address or number",
      description =
          "Its messages in sendouts released from now on, and those released but not yet sent,"
              + " become SUPPRESSED instead of being sent. Adding an address already on the list"
              + " keeps its entry (and its reason) and answers it with 200.")
  @ApiResponse(responseCode = "201", description = "Added")
  // One operation in OpenAPI with the CSV import below (same path and method): its 200 is either.
  @ApiResponse(
      responseCode = "200",
      description = "It was on the list already; its entry (JSON), or the import's result (CSV)",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(oneOf = {SuppressionView.class, ImportResult.class})))
  @ApiResponse(responseCode = "400", description = "An invalid address or reason; errors name it")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<SuppressionView> add(
      Tenant tenant, @RequestBody(required = false) AddSuppressionRequest request) {
    if (request == null) {
      throw ApiProblem.invalid("/address", "is required");
    }
    SuppressionKey key = key("/address", request.address());
    SuppressionReason reason =
        request.reason() == null
            ? SuppressionReason.MANUAL
            : parse("/reason", request.reason(), SuppressionReason.class);
    if (!reason.fits(key.channel())) {
      throw ApiProblem.invalid("/reason", reason.misfit(key.channel()));
    }
    var added = suppressions.add(tenant.id(), new NewEntry(key, reason, source(tenant)));
    SuppressionView view = SuppressionView.of(added.entry());
    if (!added.created()) {
      return ResponseEntity.ok(view);
    }
    return ResponseEntity.created(
            URI.create(
                "/v1/suppressions/"
                    + URLEncoder.encode(key.address(), StandardCharsets.UTF_8).replace("+", "%20")))
        .body(view);
  }

  @Operation(
      summary = "Import addresses and numbers to suppress, as CSV",
      description =
          "A header row naming address and, optionally, reason (MANUAL when absent or empty), then"
              + " one address or number per row. Read as a stream and stored a thousand rows at a"
              + " time. Good rows are stored and bad ones reported, each as #line=N/<column> (the"
              + " header is line 1); an address already on the list keeps its entry. Reading stops"
              + " at a line that is not valid CSV (complete=false). Importing a file again is"
              + " harmless.")
  @ApiResponse(
      responseCode = "200",
      description = "It was on the list already; its entry (JSON), or the import's result (CSV)",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(oneOf = {SuppressionView.class, ImportResult.class})))
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      content =
          @Content(
              mediaType = "text/csv",
              schema =
                  @Schema(
                      type = "string",
                      description = "A header row, then one address or number per row",
                      example = "address,reason\nann@example.com,MANUAL\n")))
  @ApiResponse(responseCode = "400", description = "No address column, or no rows")
  @ApiResponse(responseCode = "413", description = "Over sendout.api.max-upload-size")
  @PostMapping(consumes = "text/csv")
  public ImportResult importCsv(
      Tenant tenant,
      // The body's media type, which OpenAPI describes with the body, never as a parameter.
      @Parameter(hidden = true) @RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
      HttpServletRequest request)
      throws IOException {
    return new SuppressionImport(suppressions, tenant.id(), source(tenant))
        .read(request.getInputStream(), charset(contentType));
  }

  @Operation(
      summary = "Take an address or number off the list",
      description =
          "The tenant's sendouts send to it again from now on. The removal is written to the audit"
              + " trail with the API key's name and what the entry said.")
  @ApiResponse(responseCode = "204", description = "Removed")
  @ApiResponse(responseCode = "400", description = "Neither an email address nor an E.164 number")
  @ApiResponse(responseCode = "404", description = "It was not suppressed")
  @DeleteMapping("/{address}")
  public ResponseEntity<Void> remove(
      Tenant tenant,
      @Parameter(description = "An email address, or a phone number in E.164 format") @PathVariable
          String address) {
    SuppressionKey key = key("address", address);
    if (suppressions.remove(tenant.id(), key, source(tenant)).isEmpty()) {
      throw notSuppressed(key);
    }
    return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
  }

  /** What the list names as the source of an entry added, or the actor of a removal. */
  private static String source(Tenant tenant) {
    return tenant.keyName() == null ? "api" : "api:" + tenant.keyName();
  }

  private static SuppressionKey key(String field, String address) {
    try {
      return SuppressionKey.of(address);
    } catch (SuppressionKey.InvalidAddress e) {
      throw ApiProblem.invalid(field, e.getMessage());
    }
  }

  private static ApiProblem notSuppressed(SuppressionKey key) {
    return new ApiProblem(
        ProblemType.NOT_FOUND, "The " + key.channel() + " address is not on the suppression list");
  }

  private static <E extends Enum<E>> E parse(String name, String value, Class<E> type) {
    if (value == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid(
          name, "unknown value; one of " + Arrays.toString(type.getEnumConstants()));
    }
  }

  /** The charset the import declares, UTF-8 when it declares none; one Java lacks is a 415. */
  private static Charset charset(MediaType contentType) {
    try {
      Charset declared = contentType.getCharset();
      return declared == null ? StandardCharsets.UTF_8 : declared;
    } catch (IllegalArgumentException e) {
      throw new ApiProblem(
          ProblemType.UNSUPPORTED_MEDIA_TYPE,
          "Unsupported charset in Content-Type: " + contentType.getParameter("charset"));
    }
  }

  /**
   * Cursors are opaque to callers: the creation time (in microseconds, Postgres's precision) and id
   * of the last entry listed, encoded. The tenant is never in the cursor, so a forged one moves the
   * position within the caller's own list and nothing else.
   */
  private static String cursor(Position last) {
    return Cursors.ofTimeAndId(CURSOR, last.createdAt(), last.id());
  }

  private static Position position(String cursor) {
    return Cursors.placeOfTimeAndId(
        cursor,
        CURSOR,
        (createdAt, id) ->
            createdAt.getEpochSecond() > -62135596800L && createdAt.getEpochSecond() < 253402300799L
                ? new Position(createdAt, Long.parseLong(id))
                : null);
  }
}
