package dev.sendout.api.sendout;

import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.sendout.SendoutStarter;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * The outbox relay against a real Postgres, with a starter that looks at the sendout's row from
 * another connection, as the started workflow's Release does, instead of calling Temporal.
 */
class OutboxRelayTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired DSLContext db;
  @Autowired DataSource dataSource;
  @Autowired Clock clock;

  @Test
  void theRelayHoldsNoLockOnASendoutWhileItStartsItsWorkflow() {
    UUID id = sendouts.create(emailSendout(1)).sendout().id();
    // First in the outbox's order, before every other test's unstarted sendout.
    db.update(SENDOUT)
        .set(SENDOUT.CREATED_AT, OffsetDateTime.of(1999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))
        .where(SENDOUT.ID.eq(id))
        .execute();
    List<String> rowDuringStart = new ArrayList<>();
    SendoutStarter starter =
        new SendoutStarter(null, null, null, null, null, "unused") {
          @Override
          public void start(StoredSendout sendout) {
            if (!sendout.id().equals(id)) {
              // The other tests' sendouts are theirs: the relay stops at a failed start.
              throw new IllegalStateException("not this test's sendout");
            }
            rowDuringStart.add(lockableFromAnotherConnection(id) ? "free" : "locked");
          }
        };

    new OutboxRelay(sendouts, starter, clock).relay();

    assertThat(rowDuringStart).containsExactly("free");
    assertThat(sendouts.find(id).orElseThrow().workflowStartedAt()).isNotNull();
  }

  @Test
  void aSendoutThatCannotStartHoldsUpNoOtherButTemporalAwayStopsTheRound() {
    UUID broken = firstInTheOutbox(1);
    UUID next = firstInTheOutbox(2);
    List<UUID> tried = new ArrayList<>();
    RuntimeException[] brokenFails = {new IllegalArgumentException("batchSize must be 1..1000")};
    SendoutStarter starter =
        new SendoutStarter(null, null, null, null, null, "unused") {
          @Override
          public void start(StoredSendout sendout) {
            tried.add(sendout.id());
            if (sendout.id().equals(broken)) {
              throw brokenFails[0];
            }
            if (!sendout.id().equals(next)) {
              throw new IllegalStateException("not this test's sendout");
            }
          }
        };

    // A failure of the sendout's own: the one after it is started all the same.
    new OutboxRelay(sendouts, starter, clock).relay();
    assertThat(tried).startsWith(broken, next);
    assertThat(sendouts.find(next).orElseThrow().workflowStartedAt()).isNotNull();

    // A database error of the sendout's own (a value it refuses): the same.
    db.update(SENDOUT).setNull(SENDOUT.WORKFLOW_STARTED_AT).where(SENDOUT.ID.eq(next)).execute();
    tried.clear();
    brokenFails[0] =
        new DataIntegrityViolationException("refused", new SQLException("value too long", "22001"));
    new OutboxRelay(sendouts, starter, clock).relay();
    assertThat(tried).startsWith(broken, next);
    assertThat(sendouts.find(next).orElseThrow().workflowStartedAt()).isNotNull();

    // Temporal not answering, or the database: nothing after it is tried in that round, and the
    // round ends without an error for Spring's scheduler to log with its stack trace.
    for (RuntimeException away :
        List.of(
            new StatusRuntimeException(Status.UNAVAILABLE),
            new DataAccessResourceFailureException(
                "no connection", new SQLException("connection refused", "08001")))) {
      db.update(SENDOUT).setNull(SENDOUT.WORKFLOW_STARTED_AT).where(SENDOUT.ID.eq(next)).execute();
      tried.clear();
      brokenFails[0] = away;
      new OutboxRelay(sendouts, starter, clock).relay();
      assertThat(tried).containsExactly(broken);
      assertThat(sendouts.find(next).orElseThrow().workflowStartedAt()).isNull();
    }

    db.update(SENDOUT)
        .set(SENDOUT.WORKFLOW_STARTED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .where(SENDOUT.ID.in(broken, next))
        .execute(); // out of the other tests' outbox
  }

  /** A new sendout, {@code rank}-th in the outbox's order, before every other test's. */
  private UUID firstInTheOutbox(int rank) {
    UUID id = sendouts.create(emailSendout(1)).sendout().id();
    db.update(SENDOUT)
        .set(SENDOUT.CREATED_AT, OffsetDateTime.of(1998, 1, 1, 0, 0, rank, 0, ZoneOffset.UTC))
        .where(SENDOUT.ID.eq(id))
        .execute();
    return id;
  }

  @Test
  void theOutboxHoldsBackWhatWasCreatedSinceTheGivenInstant() {
    OffsetDateTime longAgo = OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    UUID id = sendouts.create(emailSendout(1)).sendout().id();
    db.update(SENDOUT).set(SENDOUT.CREATED_AT, longAgo).where(SENDOUT.ID.eq(id)).execute();

    assertThat(sendouts.unstarted(1, longAgo.toInstant())).isEmpty();
    assertThat(sendouts.unstarted(1, longAgo.toInstant().plusMillis(1)))
        .extracting(StoredSendout::id)
        .containsExactly(id);
    db.update(SENDOUT)
        .set(SENDOUT.WORKFLOW_STARTED_AT, longAgo)
        .where(SENDOUT.ID.eq(id))
        .execute(); // out of the other tests' outbox
  }

  /** What the workflow's Release does first: lock the sendout's row (here without waiting). */
  private boolean lockableFromAnotherConnection(UUID id) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        DSL.using(connection)
            .select(SENDOUT.ID)
            .from(SENDOUT)
            .where(SENDOUT.ID.eq(id))
            .forUpdate()
            .noWait()
            .fetch();
        return true;
      } catch (DataAccessException locked) {
        return false;
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
