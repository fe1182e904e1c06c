package dev.sendout.api.sendout;

import dev.sendout.api.Cursors;
import dev.sendout.api.PageSize;
import dev.sendout.api.Rfc3339;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.support.StuckSendoutPage;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.core.sendout.SendoutList;
import dev.sendout.core.sendout.SendoutList.Filter;
import dev.sendout.core.sendout.SendoutList.Position;
import dev.sendout.core.watchdog.StuckSendouts;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.StuckReason;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/sendouts}: the caller's sendouts, newest first, filtered by status, channel and
 * when they were created; or, with {@code stuck=true}, those that need attention, oldest finding
 * first. Both page with an opaque cursor, and both list the caller's tenant alone: the tenant is in
 * every query, never in the cursor, so a forged cursor moves the position and nothing else.
 */
@RestController
@RequestMapping("/v1/sendouts")
public class SendoutListController {

  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 200;

  /** What Postgres's timestamptz and every caller's calendar hold alike. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  private static final String SENDOUT_CURSOR = "sendout:";
  private static final String STUCK_CURSOR = "finding:";

  private final SendoutList sendouts;
  private final StuckSendouts stuck;

  public SendoutListController(SendoutList sendouts, StuckSendouts stuck) {
    this.sendouts = sendouts;
    this.stuck = stuck;
  }

  @Operation(
      summary = "The caller's sendouts, or those that need attention, one page at a time",
      description =
          "Without stuck: every sendout of the caller's tenant, newest first (by createdAt, then"
              + " id), filtered by status (repeat it or separate values by commas for any of"
              + " several), channel, and createdFrom (inclusive) / createdTo (exclusive). Each item"
              + " is the sendout's own record; GET /v1/sendouts/{id} adds its message counts and"
              + " whether it is stuck. With stuck=true: the sendouts with open findings of the"
              + " watchdog, oldest finding first, filtered by reason and channel. Pass nextCursor"
              + " as cursor, with the same filters, for the next page; it is null on the last.")
  @ApiResponse(
      responseCode = "200",
      description = "A page: SendoutPage without stuck, StuckSendoutPage with stuck=true",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(anyOf = {SendoutPage.class, StuckSendoutPage.class})))
  @ApiResponse(
      responseCode = "400",
      description =
          "An invalid filter, limit or cursor, or a filter the chosen listing does not take")
  @GetMapping
  public Object list(
      Tenant tenant,
      @Parameter(
              description = "true: only the sendouts that need attention; omit it for all",
              schema = @Schema(type = "boolean"))
          @RequestParam(required = false)
          String stuck,
      @Parameter(
              description = "Only sendouts in this status, or in any of these",
              array = @ArraySchema(schema = @Schema(implementation = SendoutStatus.class)))
          @RequestParam(required = false)
          List<String> status,
      @Parameter(
              description = "Only sendouts of this channel",
              schema = @Schema(implementation = Channel.class))
          @RequestParam(required = false)
          String channel,
      @Parameter(
              description = "Only sendouts created at or after this instant (RFC 3339)",
              schema = @Schema(type = "string", format = "date-time"))
          @RequestParam(required = false)
          String createdFrom,
      @Parameter(
              description = "Only sendouts created before this instant (RFC 3339)",
              schema = @Schema(type = "string", format = "date-time"))
          @RequestParam(required = false)
          String createdTo,
      @Parameter(
              description = "With stuck=true: only sendouts with an open finding of this reason",
              schema = @Schema(implementation = StuckReason.class))
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
    if (stuck == null) {
      refuse("reason", reason, "filters the stuck=true listing only");
      var page =
          sendouts.page(
              tenant.id(), filter(status, channel, createdFrom, createdTo), position(cursor), size);
      return new SendoutPage(
          page.items().stream().map(SendoutPage.SendoutSummary::of).toList(),
          page.next() == null ? null : cursor(page.next()));
    }
    // Read as written: Spring's Boolean takes yes, on and 1 for true (a hostile sweep's find).
    if (!stuck.equals("true")) {
      throw ApiProblem.invalid(
          "stuck", "only stuck=true filters the listing; omit stuck to list every sendout");
    }
    refuse("status", status, "filters the listing without stuck only");
    refuse("createdFrom", createdFrom, "filters the listing without stuck only");
    refuse("createdTo", createdTo, "filters the listing without stuck only");
    var page =
        this.stuck.page(
            tenant.id(),
            parse("reason", reason, StuckReason.class),
            parse("channel", channel, Channel.class),
            findingKey(cursor),
            size);
    return new StuckSendoutPage(
        page.items(), page.lastKey() == null ? null : Cursors.of(STUCK_CURSOR, page.lastKey()));
  }

  private static Filter filter(
      List<String> status, String channel, String createdFrom, String createdTo) {
    var filter =
        new Filter(
            statuses(status),
            parse("channel", channel, Channel.class),
            instant("createdFrom", createdFrom),
            instant("createdTo", createdTo));
    if (filter.createdFrom() != null
        && filter.createdTo() != null
        && filter.createdFrom().isAfter(filter.createdTo())) {
      throw ApiProblem.invalid("createdFrom", "must not be after createdTo");
    }
    return filter;
  }

  private static void refuse(String name, Object value, String why) {
    if (value != null) {
      throw ApiProblem.invalid(name, why);
    }
  }

  private static Set<SendoutStatus> statuses(List<String> values) {
    Set<SendoutStatus> statuses = EnumSet.noneOf(SendoutStatus.class);
    if (values != null) {
      // Given but empty ("status="): a filter that names nothing is a mistake, not "any status".
      if (values.stream().allMatch(String::isBlank)) {
        throw ApiProblem.invalid(
            "status", "must name a status; one of " + Arrays.toString(SendoutStatus.values()));
      }
      // Spring splits one value at its commas, not each of repeated ones: split them all here.
      for (String value : values) {
        for (String one : value.split(",", -1)) {
          statuses.add(parse("status", one.strip(), SendoutStatus.class));
        }
      }
    }
    return statuses;
  }

  private static <E extends Enum<E>> E parse(String name, String value, Class<E> type) {
    if (value == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid(
          name, "unknown " + name + "; one of " + Arrays.toString(type.getEnumConstants()));
    }
  }

  /** An RFC 3339 date-time with its offset, such as 2026-12-01T00:00:00Z. */
  private static Instant instant(String name, String value) {
    if (value == null) {
      return null;
    }
    Instant instant;
    try {
      instant = Rfc3339.instant(value);
    } catch (DateTimeException e) {
      throw ApiProblem.invalid(
          name, "must be a date-time with an offset, such as 2026-12-01T00:00:00Z");
    }
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      throw ApiProblem.invalid(name, "must be between the years 0001 and 9999");
    }
    return instant;
  }

  /**
   * Cursors are opaque to callers: the creation time (in microseconds, Postgres's precision) and id
   * of the last sendout listed, encoded.
   */
  private static String cursor(Position last) {
    return Cursors.ofTimeAndId(SENDOUT_CURSOR, last.createdAt(), last.id());
  }

  private static Position position(String cursor) {
    return Cursors.placeOfTimeAndId(
        cursor,
        SENDOUT_CURSOR,
        (createdAt, id) ->
            !createdAt.isBefore(EARLIEST) && !createdAt.isAfter(LATEST)
                ? new Position(createdAt, UUID.fromString(id))
                : null);
  }

  private static long findingKey(String cursor) {
    return Cursors.place(cursor, STUCK_CURSOR, 0L, Long::parseLong);
  }
}
