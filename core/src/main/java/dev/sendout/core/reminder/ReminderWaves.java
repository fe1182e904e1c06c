package dev.sendout.core.reminder;

import dev.sendout.core.store.Json;
import dev.sendout.core.suppression.SuppressionGate;
import dev.sendout.workflows.sendout.SeqRange;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * A sendout's reminder waves. Each accepted invitation whose recipient has not responded, whose
 * invitation did not fail hard (FAILED, BOUNCED, DROPPED) and was not suppressed or cancelled, and
 * who is not on the tenant's suppression list, is due for reminder {@code k} at its acceptance +
 * {@code after(k)}, unless its recipient got reminder {@code k} or a later one already. A recipient
 * is an address: one invited twice is reminded once, and not at all once they responded to either
 * invitation. A wave made at {@code T} takes every recipient due by {@code T} + one hour
 * (docs/design.md), each with the latest reminder due by {@code T} (after a pause, the earlier ones
 * are not sent), or else the first due within the hour, as new QUEUED messages in one {@code INSERT
 * ... SELECT}. Never a later one early: reminders may be just an hour apart, and a wave made late
 * took the second in place of the first.
 */
@Repository
public class ReminderWaves {

  /** A wave takes every recipient due within this long of the wave's time. */
  public static final java.time.Duration GROUPING = java.time.Duration.ofHours(1);

  /**
   * The eligible (invitation, reminder) pairs, from {@code m}, {@code s} and the reminders {@code
   * r}.
   */
  private static final String ELIGIBLE =
      """
        from message m
        join sendout s on s.id = m.sendout_id
        join unnest({0}::int[], {1}::bigint[]) as r(k, after_s) on true
       where m.sendout_id = {2}
         and m.reminds_message_id is null
         and m.thanks_message_id is null
         and m.responded_at is null
         and m.accepted_at is not null
         and m.status not in ('FAILED', 'BOUNCED', 'DROPPED', 'SUPPRESSED', 'CANCELLED')
         and not (r.k = any({3}::int[]))
         and not exists (select 1 from message x
                          where x.sendout_id = m.sendout_id and lower(x.address) = lower(m.address)
                            and (x.responded_at is not null or x.reminder_index >= r.k))
         and not exists (select 1 from suppression p
                          where p.tenant_id = s.tenant_id and p.channel = s.channel
                            and p.address = %s offset 0)
      """
          .formatted(SuppressionGate.NORMALISED_ADDRESS);

  /** When an eligible pair {@code (m, r)} is due. */
  private static final String DUE = "m.accepted_at + make_interval(secs => r.after_s)";

  private final DSLContext db;
  private final Clock clock;

  public ReminderWaves(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * @param messages the wave's messages; null when it made none
   * @param nextAt when the next wave is due; null when none is pending
   * @param nextIndex the reminder the next wave is for; -1 when none
   */
  public record Wave(SeqRange messages, Instant nextAt, int nextIndex) {}

  /**
   * Creates the wave named {@code waveId}, due at {@code dueAt} (unless it exists already: then it
   * answers with its messages), and works out the next one. With a null {@code waveId} it only
   * works out the next. Records the next wave's time on the sendout, for the API.
   */
  @Transactional
  public Wave wave(UUID sendoutId, UUID waveId, Instant dueAt, int skipped) {
    Record sendout =
        db.resultQuery(
                "select recipient_count, reminders from sendout where id = {0} for update",
                DSL.val(sendoutId))
            .fetchSingle();
    int nextSeq = sendout.get(0, Integer.class);
    List<Reminder> reminders = reminders(sendout.get(1, JSONB.class));
    Integer[] ks = new Integer[reminders.size()];
    Long[] afters = new Long[reminders.size()];
    for (int k = 0; k < ks.length; k++) {
      ks[k] = k;
      afters[k] = reminders.get(k).afterDuration().toSeconds();
    }
    Integer[] skippedKs =
        Arrays.stream(ks).filter(k -> (skipped & (1 << k)) != 0).toArray(Integer[]::new);
    SeqRange range = null;
    if (waveId != null) {
      range = existing(sendoutId, waveId);
      if (range == null) {
        range = create(sendoutId, waveId, dueAt, nextSeq, ks, afters, skippedKs);
      }
    }
    Record next =
        db.resultQuery(
                "select r.k, " + DUE + " as due " + ELIGIBLE + " order by due, r.k limit 1",
                DSL.val(ks),
                DSL.val(afters),
                DSL.val(sendoutId),
                DSL.val(skippedKs))
            .fetchOne();
    Instant nextAt = next == null ? null : next.get(1, OffsetDateTime.class).toInstant();
    db.query(
            // Not once cancelled: a cancel that came during this call has cleared it for good.
            "update sendout set next_reminder_at = {0} where id = {1} and cancelled_at is null",
            DSL.val(nextAt == null ? null : nextAt.atOffset(ZoneOffset.UTC)), DSL.val(sendoutId))
        .execute();
    return new Wave(range, nextAt, next == null ? -1 : next.get(0, Integer.class));
  }

  private SeqRange existing(UUID sendoutId, UUID waveId) {
    Record found =
        db.resultQuery(
                "select min(seq), max(seq) from message where sendout_id = {0} and"
                    + " reminder_wave_id = {1}",
                DSL.val(sendoutId), DSL.val(waveId))
            .fetchSingle();
    Integer from = found.get(0, Integer.class);
    return from == null ? null : new SeqRange(from, found.get(1, Integer.class) + 1);
  }

  private SeqRange create(
      UUID sendoutId,
      UUID waveId,
      Instant dueAt,
      int nextSeq,
      Integer[] ks,
      Long[] afters,
      Integer[] skippedKs) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    int created =
        db.query(
                """
                insert into message (id, sendout_id, seq, address, display_name, variables, status,
                                     queued_at, time_zone, reminds_message_id, reminder_index,
                                     reminder_wave_id)
                select gen_random_uuid(), {2}, {5} + (row_number() over (order by d.seq))::int - 1,
                       d.address, d.display_name, d.variables, 'QUEUED', {6}, d.time_zone, d.id,
                       d.k, {7}
                  from (select distinct on (lower(m.address)) m.id, m.seq, m.address,
                               m.display_name, m.variables, m.time_zone, r.k
                """
                    + ELIGIBLE
                    + """
                       and %1$s <= {4}
                     order by lower(m.address), %1$s <= {8} desc,
                              case when %1$s <= {8} then -r.k else r.k end, m.seq desc) d
                """
                        .formatted(DUE),
                DSL.val(ks),
                DSL.val(afters),
                DSL.val(sendoutId),
                DSL.val(skippedKs),
                DSL.val(dueAt.plus(GROUPING).atOffset(ZoneOffset.UTC)),
                DSL.val(nextSeq),
                DSL.val(now),
                DSL.val(waveId),
                DSL.val(dueAt.atOffset(ZoneOffset.UTC)))
            .execute();
    if (created == 0) {
      return null;
    }
    supersede(sendoutId, waveId, now);
    db.query(
            "update sendout set recipient_count = recipient_count + {0},"
                + " reminder_messages = reminder_messages + {0} where id = {1}",
            DSL.val(created), DSL.val(sendoutId))
        .execute();
    return new SeqRange(nextSeq, nextSeq + created);
  }

  /**
   * A recipient's earlier reminder that no provider call has taken yet (held for their delivery
   * window or by a pause, or waiting in a slow batch) is CANCELLED by the wave that takes a later
   * one for them, as only the latest of reminders due at once is sent: held for a window, the two
   * went out together at its opening (a survey-features sweep).
   */
  private void supersede(UUID sendoutId, UUID waveId, OffsetDateTime now) {
    db.query(
            """
            update message x set status = 'CANCELLED', finished_at = {0},
                   last_error = 'Superseded by a later reminder due before this one went out'
             where x.sendout_id = {1}
               and x.reminds_message_id is not null
               and x.reminder_wave_id <> {2}
               and x.status in ('QUEUED', 'RELEASED') and x.send_started_at is null
               and exists (select 1 from message n
                            where n.sendout_id = x.sendout_id and n.reminder_wave_id = {2}
                              and lower(n.address) = lower(x.address)
                              and n.reminder_index > x.reminder_index)
            """,
            DSL.val(now), DSL.val(sendoutId), DSL.val(waveId))
        .execute();
  }

  /**
   * The survey closed: every message not yet handed to a provider call is CANCELLED, and the
   * sendout is marked closed, so that no thank-you is queued after it. The sendout's row is locked
   * first, as a response with its thank-you locks it ({@code ThankYous}): thank-yous queued before
   * the close are cancelled by it, and none is queued after.
   */
  @Transactional
  public int close(UUID sendoutId) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    db.query(
            "update sendout set next_reminder_at = null, closed_at = coalesce(closed_at, {0})"
                + " where id = {1}",
            DSL.val(now), DSL.val(sendoutId))
        .execute();
    return db.query(
            """
            update message set status = 'CANCELLED', finished_at = {0},
                   last_error = case
                     when responded_at is not null and reminds_message_id is null
                          and thanks_message_id is null
                     then 'The recipient responded before this invitation went out'
                     else 'survey closed' end
             where sendout_id = {1} and status in ('QUEUED', 'RELEASED') and send_started_at is null
            """,
            DSL.val(now), DSL.val(sendoutId))
        .execute();
  }

  /**
   * Drops a wave the workflow will not send, made while support staff cancelled the reminders or
   * the survey closed: its messages still QUEUED are CANCELLED, and no next wave is shown.
   * Idempotent. Returns how many it cancelled.
   */
  @Transactional
  public int drop(UUID sendoutId, SeqRange wave) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    db.query("update sendout set next_reminder_at = null where id = {0}", DSL.val(sendoutId))
        .execute();
    return db.query(
            """
            update message set status = 'CANCELLED', finished_at = {0},
                   last_error = 'Reminders stopped while this wave was made'
             where sendout_id = {1} and seq >= {2} and seq < {3} and status = 'QUEUED'
            """,
            DSL.val(now), DSL.val(sendoutId), DSL.val(wave.fromSeq()), DSL.val(wave.toSeq()))
        .execute();
  }

  /** The reminders stored on the sendout; none when it has none. */
  public static List<Reminder> reminders(JSONB json) {
    if (json == null) {
      return List.of();
    }
    return new ArrayList<>(Arrays.asList(Json.read(json, Reminder[].class)));
  }
}
