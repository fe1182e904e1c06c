package dev.sendout.core.message;

import static dev.sendout.core.store.Json.instant;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;

import dev.sendout.core.store.jooq.tables.records.MessageRecord;
import dev.sendout.workflows.message.MessageStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

/** The messages of a sendout as the API shows them. */
@Repository
public class MessageReads {

  private final DSLContext db;
  private final Clock clock;

  public MessageReads(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public Optional<StoredMessage> find(UUID id) {
    return db.selectFrom(MESSAGE).where(MESSAGE.ID.eq(id)).fetchOptional(this::toStored);
  }

  /**
   * One page of the sendout's messages in sequence order, after {@code afterSeq}, optionally only
   * those in {@code status}. Keyset pagination: the cost of a page does not grow with its depth.
   */
  public List<StoredMessage> page(UUID sendoutId, MessageStatus status, int afterSeq, int limit) {
    Condition where = MESSAGE.SENDOUT_ID.eq(sendoutId).and(MESSAGE.SEQ.gt(afterSeq));
    if (status != null) {
      where = where.and(MESSAGE.STATUS.eq(status));
    }
    return db.selectFrom(MESSAGE)
        .where(where)
        .orderBy(MESSAGE.SEQ)
        .limit(limit)
        .fetch(this::toStored);
  }

  private StoredMessage toStored(MessageRecord r) {
    return new StoredMessage(
        r.getId(),
        r.getSeq(),
        r.getAddress(),
        r.getStatus(),
        r.getProviderMessageId(),
        r.getAttemptCount(),
        r.getDeferralCount(),
        r.getLastError(),
        r.getQueuedAt().toInstant(),
        instant(r.getReleasedAt()),
        instant(r.getAcceptedAt()),
        instant(r.getUnconfirmedAt()),
        instant(r.getFinishedAt()),
        r.getExternalId(),
        instant(r.getRespondedAt()),
        r.getTimeZone(),
        waitingForWindowUntil(r),
        r.getRemindsMessageId() != null
            ? StoredMessage.Kind.REMINDER
            : r.getThanksMessageId() != null
                ? StoredMessage.Kind.THANK_YOU
                : StoredMessage.Kind.INVITATION);
  }

  /**
   * When its window opens, for a QUEUED message waiting for it, or a RELEASED one held back at its
   * provider call until then ({@code DeliveryStore.holdOutsideWindows}).
   */
  private Instant waitingForWindowUntil(MessageRecord r) {
    Instant opens = instant(r.getWindowOpensAt());
    if (r.getStatus() == MessageStatus.QUEUED) {
      return opens;
    }
    return r.getStatus() == MessageStatus.RELEASED
            && opens != null
            && opens.isAfter(clock.instant())
        ? opens
        : null;
  }
}
