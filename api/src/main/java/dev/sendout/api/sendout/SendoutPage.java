package dev.sendout.api.sendout;

import dev.sendout.core.sendout.SendoutList.Summary;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One page of a tenant's sendouts, newest first.
 *
 * @param nextCursor pass as {@code cursor}, with the same filters, for the next page; null on the
 *     last page
 */
public record SendoutPage(
    List<SendoutSummary> items, @Schema(types = {"string", "null"}) String nextCursor) {

  /**
   * One sendout as the listing shows it; {@code GET /v1/sendouts/{id}} adds its message counts and
   * whether it is stuck.
   *
   * @param paused whether support staff have paused its sends
   * @param cancelledAt when it was cancelled; null unless it was
   */
  public record SendoutSummary(
      UUID id,
      Channel channel,
      SendoutStatus status,
      int recipientCount,
      Instant sendAt,
      Instant createdAt,
      @Schema(
              types = {"string", "null"},
              format = "date-time")
          Instant releasedAt,
      @Schema(
              types = {"string", "null"},
              format = "date-time")
          Instant sentAt,
      @Schema(
              types = {"string", "null"},
              format = "date-time")
          Instant completedAt,
      boolean paused,
      @Schema(
              types = {"string", "null"},
              format = "date-time")
          Instant cancelledAt) {

    static SendoutSummary of(Summary s) {
      return new SendoutSummary(
          s.id(),
          s.channel(),
          s.status(),
          s.recipientCount(),
          s.sendAt(),
          s.createdAt(),
          s.releasedAt(),
          s.sentAt(),
          s.completedAt(),
          s.paused(),
          s.cancelledAt());
    }
  }
}
