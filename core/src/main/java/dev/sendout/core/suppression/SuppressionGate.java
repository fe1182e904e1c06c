package dev.sendout.core.suppression;

import dev.sendout.workflows.message.MessageStatus;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * The suppression list's gate: a message whose recipient is on its tenant's list becomes SUPPRESSED
 * instead of being released or sent, with the reason in its lastError.
 *
 * <p>Both checks are one set-based statement each, a join of the sendout's messages with the list
 * on (tenant, channel, normalised address), which Postgres answers by probing the list's primary
 * key or by a hash join: never one lookup per message from Java. The message's address is
 * normalised in SQL the way {@link SuppressionKey} does it: stored email addresses are already in
 * {@link dev.sendout.core.channel.email.EmailAddress}'s form, so only the domain is lower-cased;
 * SMS numbers are stored in E.164 and compared as they are.
 */
@Repository
public class SuppressionGate {

  /**
   * The message's address in {@link SuppressionKey}'s form, for a message {@code m} of {@code s}.
   */
  static final String NORMALISED_ADDRESS =
      "case when s.channel = 'EMAIL'"
          + " then split_part(m.address, '@', 1) || '@' || lower(split_part(m.address, '@', 2))"
          + " else m.address end";

  /** What a suppressed message's lastError says: the list's reason and what put it there. */
  static final String LAST_ERROR = "'Suppressed: ' || x.reason || ' (' || x.source || ')'";

  private final DSLContext db;

  public SuppressionGate(DSLContext db) {
    this.db = db;
  }

  /**
   * At the release: the sendout's QUEUED messages to suppressed recipients become SUPPRESSED. Call
   * in the release's transaction, before the rest are released. Returns how many.
   */
  public int suppressQueued(UUID sendoutId, OffsetDateTime now) {
    return suppress(sendoutId, MessageStatus.QUEUED, 0, Integer.MAX_VALUE, now);
  }

  /**
   * Just before the provider call: the sendout's released, unclaimed messages in {@code [fromSeq,
   * toSeq)} to recipients suppressed since the release become SUPPRESSED. Call in the claim's
   * transaction, before the rest are claimed. Returns how many.
   */
  public int suppressReleased(UUID sendoutId, int fromSeq, int toSeq, OffsetDateTime now) {
    return suppress(sendoutId, MessageStatus.RELEASED, fromSeq, toSeq, now);
  }

  private int suppress(
      UUID sendoutId, MessageStatus from, int fromSeq, int toSeq, OffsetDateTime now) {
    if (!from.canMoveTo(MessageStatus.SUPPRESSED)) {
      throw new IllegalStateException(from + " cannot become SUPPRESSED");
    }
    // A message in flight (send_started_at set) may be with the provider already: it is left to
    // the claim, which settles it as UNCONFIRMED, never as SUPPRESSED.
    return db.execute(
        """
        update message m
           set status = 'SUPPRESSED', finished_at = {0}, send_started_at = null,
               last_error = %s
          from sendout s, suppression x
         where m.sendout_id = {1} and m.status = {2} and m.seq >= {3} and m.seq < {4}
           and m.send_started_at is null
           and s.id = m.sendout_id
           and x.tenant_id = s.tenant_id and x.channel = s.channel
           and x.address = %s
        """
            .formatted(LAST_ERROR, NORMALISED_ADDRESS),
        DSL.val(now),
        DSL.val(sendoutId),
        DSL.val(from.name()),
        DSL.val(fromSeq),
        DSL.val(toSeq));
  }
}
