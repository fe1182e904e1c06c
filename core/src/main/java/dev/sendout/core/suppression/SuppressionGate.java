package dev.sendout.core.suppression;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.core.store.jooq.Tables.SUPPRESSION;

import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SeqRange;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * The suppression list's gate: a message whose recipient is on its tenant's list becomes SUPPRESSED
 * instead of being released or sent, with the reason in its lastError.
 *
 * <p>Each check is one statement over the sendout's messages, never one lookup per message from
 * Java. Its cost must follow the sendout's size, not the list's: a tenant's list may hold millions
 * of entries and a sendout only a few recipients. So each message probes the list's primary key
 * (tenant, channel, address) once, through a subquery that Postgres does not turn into a join.
 * Written as a join, the planner hashed the whole list for every release (1,000,000 entries: 2.7 s
 * added to a 100,000-recipient release, spilling to disk); probed, about half a second at the
 * median (docs/benchmarks.md).
 *
 * <p>The message's address is normalised in SQL the way {@link SuppressionKey} does it: stored
 * email addresses are already in {@link dev.sendout.core.channel.email.EmailAddress}'s form, so
 * only the domain is lower-cased; SMS numbers are stored in E.164 and compared as they are.
 */
@Repository
public class SuppressionGate {

  /**
   * The address of a message {@code m} of a sendout {@code s} in {@link SuppressionKey}'s form, for
   * statements that join the sendout.
   */
  public static final String NORMALISED_ADDRESS =
      "case when s.channel = 'EMAIL' then "
          + normalised(Channel.EMAIL, "m.address")
          + " else "
          + normalised(Channel.SMS, "m.address")
          + " end";

  /**
   * A message whose recipient is on its tenant's suppression list for its channel, now. For
   * statements on the table {@code message} itself, unaliased.
   */
  public static final Condition RECIPIENT_SUPPRESSED = recipientSuppressed();

  private static Condition recipientSuppressed() {
    var sendout = SENDOUT.as("suppressing_sendout");
    var entry = SUPPRESSION.as("suppressed");
    return DSL.exists(
        DSL.selectOne()
            .from(sendout)
            .join(entry)
            .on(entry.TENANT_ID.eq(sendout.TENANT_ID))
            .and(entry.CHANNEL.eq(sendout.CHANNEL))
            .where(sendout.ID.eq(MESSAGE.SENDOUT_ID))
            .and(
                entry.ADDRESS.eq(
                    DSL.when(sendout.CHANNEL.eq(Channel.EMAIL), DSL.lower(MESSAGE.ADDRESS))
                        .otherwise(MESSAGE.ADDRESS))));
  }

  /** What a suppressed message's lastError says: the list's reason and what put it there. */
  static final String LAST_ERROR = "'Suppressed: ' || x.reason || ' (' || x.source || ')'";

  private final DSLContext db;

  public SuppressionGate(DSLContext db) {
    this.db = db;
  }

  /** The address in {@code column} in {@link SuppressionKey}'s form, for the channel. */
  static String normalised(Channel channel, String column) {
    return switch (channel) {
      case EMAIL -> "lower(%s)".formatted(column);
      case SMS -> column;
    };
  }

  /**
   * At the release: the sendout's QUEUED messages to suppressed recipients become SUPPRESSED. Call
   * in the release's transaction, before the rest are released. Returns how many.
   */
  public int suppressQueued(UUID sendoutId, OffsetDateTime now) {
    return suppress(sendoutId, MessageStatus.QUEUED, 0, Integer.MAX_VALUE, null, null, now);
  }

  /** {@link #suppressQueued(UUID, OffsetDateTime)}, of the messages in one range only. */
  public int suppressQueued(UUID sendoutId, SeqRange range, OffsetDateTime now) {
    return suppress(
        sendoutId, MessageStatus.QUEUED, range.fromSeq(), range.toSeq(), null, null, now);
  }

  /**
   * At a release within delivery windows: the sendout's QUEUED messages of these zones (null for
   * "UTC", as stored without one) to suppressed recipients become SUPPRESSED, named by the release
   * as the messages it releases are, so that the release's ranges still cover every message it
   * settled. Call in the release's transaction, before the rest are released. Returns how many.
   */
  public int suppressQueued(
      UUID sendoutId, List<String> zones, UUID releaseId, OffsetDateTime now) {
    return suppress(sendoutId, MessageStatus.QUEUED, 0, Integer.MAX_VALUE, zones, releaseId, now);
  }

  /**
   * Just before the provider call: the sendout's released, unclaimed messages in {@code [fromSeq,
   * toSeq)} to recipients suppressed since the release become SUPPRESSED. Call in the claim's
   * transaction, before the rest are claimed. Returns how many.
   */
  public int suppressReleased(UUID sendoutId, int fromSeq, int toSeq, OffsetDateTime now) {
    return suppress(sendoutId, MessageStatus.RELEASED, fromSeq, toSeq, null, null, now);
  }

  private int suppress(
      UUID sendoutId,
      MessageStatus from,
      int fromSeq,
      int toSeq,
      List<String> zones,
      UUID releaseId,
      OffsetDateTime now) {
    if (!from.canMoveTo(MessageStatus.SUPPRESSED)) {
      throw new IllegalStateException(from + " cannot become SUPPRESSED");
    }
    // One round trip learns the sendout's tenant and channel and whether that list has any entry:
    // a tenant without one, the common case, pays this one index probe per release or claim (an
    // SMS claim is one message) instead of one per message.
    var sendout =
        db.select(
                SENDOUT.TENANT_ID,
                SENDOUT.CHANNEL,
                DSL.field(
                    DSL.exists(
                        DSL.selectOne()
                            .from(SUPPRESSION)
                            .where(SUPPRESSION.TENANT_ID.eq(SENDOUT.TENANT_ID))
                            .and(SUPPRESSION.CHANNEL.eq(SENDOUT.CHANNEL)))))
            .from(SENDOUT)
            .where(SENDOUT.ID.eq(sendoutId))
            .fetchOptional();
    if (sendout.isEmpty() || !sendout.get().value3()) {
      return 0;
    }
    return db.execute(
        statement(sendout.get().value2(), zones != null),
        DSL.val(now),
        DSL.val(sendoutId),
        DSL.val(from.name()),
        DSL.val(fromSeq),
        DSL.val(toSeq),
        DSL.val(sendout.get().value1()),
        DSL.val(sendout.get().value2().name()),
        DSL.val(zones == null ? new String[0] : zones.toArray(String[]::new)),
        DSL.val(releaseId));
  }

  /**
   * The gate's statement for a sendout of the channel. Each of the sendout's messages probes the
   * list's primary key once, through the {@code EXISTS}: its {@code OFFSET 0} keeps Postgres from
   * turning it into a (hash) join over the whole list, so the probes follow the sendout's size. The
   * suppressed ones, and only they, probe again for the reason. A message in flight ({@code
   * send_started_at} set) may be with the provider already: it is left to the claim, which settles
   * it as UNCONFIRMED, never as SUPPRESSED.
   */
  static String statement(Channel channel) {
    return statement(channel, false);
  }

  /**
   * @param zoned whether only the messages of the zones in {@code {7}} are gated, and named by the
   *     release {@code {8}}
   */
  static String statement(Channel channel, boolean zoned) {
    String probe =
        "from suppression x where x.tenant_id = {5} and x.channel = {6} and x.address = "
            + normalised(channel, "m.address");
    return """
        update message m
           set status = 'SUPPRESSED', finished_at = {0}, send_started_at = null,
               last_error = (select %s %s)%s
         where m.sendout_id = {1} and m.status = {2} and m.seq >= {3} and m.seq < {4}
           and m.send_started_at is null%s
           and exists (select 1 %s offset 0)
        """
        .formatted(
            LAST_ERROR,
            probe,
            zoned ? ", release_id = {8}, window_opens_at = null" : "",
            zoned ? " and coalesce(m.time_zone, 'UTC') = any({7})" : "",
            probe);
  }
}
