package dev.sendout.core.sendout;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;

import dev.sendout.core.sendout.NewSendout.Recipient;
import dev.sendout.core.store.Json;
import dev.sendout.core.store.MessageTransitions;
import dev.sendout.core.suppression.SuppressionGate;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SeqRange;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.stereotype.Repository;

/**
 * Messages waiting for their release: new recipients inserted QUEUED with COPY, and their release.
 */
@Repository
public class QueuedMessages {

  /**
   * COPY is sent to the server in chunks of about this many characters, so memory stays bounded.
   * The builder (with 4 Ki characters to spare for the row that fills it) and each chunk's string
   * and bytes stay below G1's humongous threshold (objects over half a 1 MiB region, the size for
   * heaps up to 2 GiB), even in UTF-16; chunks of 1 MiB made a create of 100,000 recipients
   * allocate some sixty regions as humongous objects, the moments after which G1 grew the heap. A
   * rare row longer than the spare room grows the builder past it, and that is all.
   */
  private static final int COPY_CHUNK_CHARS = 128 << 10;

  private static final String COPY_SQL =
      "COPY message (id, sendout_id, seq, address, display_name, variables, status, queued_at,"
          + " external_id, time_zone)"
          + " FROM STDIN WITH (FORMAT csv)";

  private final DSLContext db;
  private final MessageTransitions transitions;
  private final SuppressionGate suppressions;

  public QueuedMessages(
      DSLContext db, MessageTransitions transitions, SuppressionGate suppressions) {
    this.db = db;
    this.transitions = transitions;
    this.suppressions = suppressions;
  }

  /**
   * Inserts the recipients as QUEUED messages numbered 0..n-1, with COPY. Call in a transaction.
   */
  void insertQueued(UUID sendoutId, List<Recipient> recipients, OffsetDateTime now) {
    insertQueued(List.of(new Segment(sendoutId, 0, recipients)), now);
  }

  /** Recipients to insert into one sendout, numbered from {@code firstSeq} on: added ones, say. */
  public record Segment(UUID sendoutId, int firstSeq, List<Recipient> recipients) {}

  /**
   * Inserts the segments' recipients as QUEUED messages with one COPY, whichever sendouts they go
   * to. Call in a transaction.
   */
  public void insertQueued(List<Segment> segments, OffsetDateTime now) {
    int count = segments.stream().mapToInt(segment -> segment.recipients().size()).sum();
    db.connection(
        connection -> {
          CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
          try {
            // Sized for what is coming: one added recipient must not allocate a whole chunk.
            StringBuilder rows = new StringBuilder(Math.min(COPY_CHUNK_CHARS, count * 256) + 4096);
            for (Segment segment : segments) {
              List<Recipient> recipients = segment.recipients();
              for (int i = 0; i < recipients.size(); i++) {
                Recipient r = recipients.get(i);
                rows.append(UUID.randomUUID()).append(',').append(segment.sendoutId()).append(',');
                rows.append(segment.firstSeq() + i);
                rows.append(',').append(csv(r.address())).append(',').append(csv(r.displayName()));
                rows.append(',').append(csv(Json.write(r.variables())));
                rows.append(',').append(MessageStatus.QUEUED).append(',').append(now);
                rows.append(',').append(csv(r.externalId()));
                rows.append(',').append(csv(r.timeZone())).append('\n');
                if (rows.length() >= COPY_CHUNK_CHARS) {
                  write(copy, rows);
                }
              }
            }
            write(copy, rows);
            copy.endCopy();
          } finally {
            if (copy.isActive()) {
              copy.cancelCopy();
            }
          }
        });
  }

  /**
   * Releases the sendout's QUEUED messages, except those to recipients on the tenant's suppression
   * list, which become SUPPRESSED: two set-based statements, whatever the sendout's size. Call in a
   * transaction. A message that waited for its window waits no more: the claim would hold a
   * RELEASED one whose {@code window_opens_at} is ahead.
   *
   * @param only the ranges of sequence numbers to release; null for every QUEUED message
   */
  void releaseQueued(UUID sendoutId, List<SeqRange> only, OffsetDateTime now) {
    Condition which = MESSAGE.SENDOUT_ID.eq(sendoutId);
    if (only == null) {
      suppressions.suppressQueued(sendoutId, now);
    } else if (only.isEmpty()) {
      return; // jOOQ's or() of no condition is no condition: every QUEUED message
    } else {
      for (SeqRange range : only) {
        suppressions.suppressQueued(sendoutId, range, now);
      }
      which = which.and(DSL.or(only.stream().map(MessageTransitions::inRange).toList()));
    }
    transitions.moveTo(
        RELEASED, which, now, Collections.singletonMap(MESSAGE.WINDOW_OPENS_AT, null));
  }

  /** The zones of the sendout's QUEUED messages; "UTC" stands for messages stored without one. */
  List<String> queuedZones(UUID sendoutId) {
    return db.selectDistinct(DSL.coalesce(MESSAGE.TIME_ZONE, "UTC"))
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.STATUS.eq(MessageStatus.QUEUED))
        .fetch(0, String.class);
  }

  /**
   * Releases the sendout's QUEUED messages of these zones, naming the release on each; those to
   * recipients on the tenant's suppression list become SUPPRESSED instead, named by the release all
   * the same.
   */
  void releaseZones(UUID sendoutId, List<String> zones, UUID releaseId, OffsetDateTime now) {
    if (zones.isEmpty()) {
      return;
    }
    suppressions.suppressQueued(sendoutId, zones, releaseId, now);
    Map<Field<?>, Object> set = new HashMap<>();
    set.put(MESSAGE.RELEASE_ID, releaseId);
    set.put(MESSAGE.WINDOW_OPENS_AT, null);
    transitions.moveTo(
        RELEASED,
        MESSAGE.SENDOUT_ID.eq(sendoutId).and(DSL.coalesce(MESSAGE.TIME_ZONE, "UTC").in(zones)),
        now,
        set);
  }

  /** Marks the sendout's QUEUED messages of this zone as waiting for their window until then. */
  void waitForWindow(UUID sendoutId, String zone, Instant opens) {
    OffsetDateTime at = opens.atOffset(ZoneOffset.UTC);
    db.update(MESSAGE)
        .set(MESSAGE.WINDOW_OPENS_AT, at)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.STATUS.eq(MessageStatus.QUEUED))
        .and(DSL.coalesce(MESSAGE.TIME_ZONE, "UTC").eq(zone))
        .and(MESSAGE.WINDOW_OPENS_AT.isDistinctFrom(at))
        .execute();
  }

  /** The sequence numbers of the messages one windowed release released, in order. */
  List<Integer> releasedBy(UUID sendoutId, UUID releaseId) {
    return db.select(MESSAGE.SEQ)
        .from(MESSAGE)
        .where(MESSAGE.SENDOUT_ID.eq(sendoutId))
        .and(MESSAGE.RELEASE_ID.eq(releaseId))
        .orderBy(MESSAGE.SEQ)
        .fetch(MESSAGE.SEQ);
  }

  private static void write(CopyIn copy, StringBuilder rows) throws SQLException {
    byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(bytes, 0, bytes.length);
    rows.setLength(0);
  }

  /** A CSV field for COPY: quoted, so that an empty string stays distinct from NULL. */
  private static String csv(String value) {
    return value == null ? "" : '"' + value.replace("\"", "\"\"") + '"';
  }
}
