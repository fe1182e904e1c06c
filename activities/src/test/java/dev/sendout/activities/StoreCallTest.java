package dev.sendout.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sendout.core.CapturedLog;
import dev.sendout.workflows.StoreCalls;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import org.jooq.exception.NoDataFoundException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.BadSqlGrammarException;

class StoreCallTest {

  private static ApplicationFailure failureOf(RuntimeException thrown) {
    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                StoreCall.classified(
                    () -> {
                      throw thrown;
                    }));
    assertThat(failure).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) failure;
  }

  /**
   * A release held by a lock timeout showed "Failure exceeds size limit." in the Web UI: the whole
   * cause chain, with its stack traces, was more than the server keeps. It says what the database
   * said now, and is retried.
   */
  @Test
  void aDatabaseErrorIsRetriedAsAFailureThatSaysOnlyWhatTheDatabaseSaid() {
    ApplicationFailure failure =
        failureOf(
            new PessimisticLockingFailureException(
                "jOOQ; SQL [update message set status = ? where ...]; ERROR: ...",
                new SQLException(
                    "ERROR: canceling statement due to lock timeout\n  Where: ...", "55P03")));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("SQLState 55P03: canceling statement due to lock timeout");
    assertThat(failure.getCause()).isNull();
  }

  /** A pool that timed out waiting for a connection: an SQL error without a SQLState. */
  @Test
  void aConnectionPoolTimeoutIsRetriedAsADatabaseError() {
    ApplicationFailure failure =
        failureOf(
            new org.springframework.jdbc.CannotGetJdbcConnectionException(
                "Failed to obtain JDBC Connection",
                new java.sql.SQLTransientConnectionException(
                    "HikariPool-1 - Connection is not available, request timed out after 30000ms")));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("HikariPool-1 - Connection is not available, request timed out after 30000ms");
    assertThat(failure.getCause()).isNull();
  }

  /**
   * A wait behind another transaction, or the database away, is said in one line at each retry; any
   * other database error keeps its stack trace for whoever reads the log.
   */
  @Test
  void aWaitOrTheDatabaseAwayIsLoggedInOneLineAndAnyOtherErrorWhole() {
    try (CapturedLog log = CapturedLog.of(StoreCall.class)) {
      failureOf(
          new PessimisticLockingFailureException(
              "lock", new SQLException("canceling statement due to lock timeout", "55P03")));
      failureOf(
          new DataAccessResourceFailureException(
              "gone", new SQLException("This connection has been closed.", "08003")));
      failureOf(
          new BadSqlGrammarException(
              "release", "update", new SQLException("column does not exist", "42703")));

      assertThat(log.events())
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "Store call failed; the activity retries it: SQLState 55P03: canceling statement"
                  + " due to lock timeout",
              "Store call failed; the activity retries it: SQLState 08003: This connection has"
                  + " been closed.",
              "Store call failed; the activity retries it");
      assertThat(log.events())
          .extracting(event -> event.getThrowableProxy() != null)
          .containsExactly(false, false, true);
    }
  }

  /**
   * Found by a crash drill: a delivery call's store errors reached the SDK raw, which logged a
   * stack trace at every retry of every batch while Postgres was away and the Web UI showed
   * "Failure exceeds size limit." as the batch's last failure. An outage is now said in one line,
   * retried as a benign failure the SDK logs at DEBUG; a delivery call's other errors pass as they
   * are.
   */
  @Test
  void aDeliveryCallMeetingAnOutageFailsAsAStoreCallDoesAndAnyOtherErrorPassesAsItIs() {
    var away =
        new DataAccessResourceFailureException(
            "jOOQ; SQL [select exists (select 1 ...)]",
            new SQLException("This connection has been closed.", "08003"));
    var grammar =
        new BadSqlGrammarException(
            "claim", "update", new SQLException("column does not exist", "42703"));
    var ours = new IllegalStateException("a bug");

    assertThat(StoreCall.ifOutage(away))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.isNonRetryable()).isFalse();
              assertThat(failure.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);
              assertThat(failure.getOriginalMessage())
                  .isEqualTo("SQLState 08003: This connection has been closed.");
              assertThat(failure.getCause()).isNull();
            });
    assertThat(StoreCall.ifOutage(grammar)).isSameAs(grammar);
    assertThat(StoreCall.ifOutage(ours)).isSameAs(ours);
  }

  @Test
  void refusedDataAndAMissingRowFailForGood() {
    ApplicationFailure refused =
        failureOf(
            new DataIntegrityViolationException(
                "jOOQ", new SQLException("ERROR: value too long", "22001")));
    ApplicationFailure gone = failureOf(new NoDataFoundException("Cursor returned no rows"));

    assertThat(refused.isNonRetryable()).isTrue();
    assertThat(refused.getType()).isEqualTo(StoreCalls.DATA_REFUSED);
    assertThat(refused.getOriginalMessage()).isEqualTo("SQLState 22001: value too long");
    assertThat(gone.isNonRetryable()).isTrue();
    assertThat(gone.getType()).isEqualTo(StoreCalls.DATA_REFUSED);
    assertThat(gone.getOriginalMessage()).contains("Cursor returned no rows");
  }

  @Test
  void theActivitysOwnFailuresAndOurBugsPassAsTheyAre() {
    ApplicationFailure own = ApplicationFailure.newNonRetryableFailure("paused", "SendoutPaused");
    IllegalStateException bug = new IllegalStateException("a bug");

    assertThatThrownBy(
            () ->
                StoreCall.classified(
                    () -> {
                      throw own;
                    }))
        .isSameAs(own);
    assertThatThrownBy(
            () ->
                StoreCall.classified(
                    () -> {
                      throw bug;
                    }))
        .isSameAs(bug);
  }
}
