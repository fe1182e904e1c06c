package dev.sendout.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

class StoreErrorsTest {

  private static RuntimeException translated(String message, String sqlState) {
    return new DataIntegrityViolationException(
        "jOOQ; SQL [insert ...]", new SQLException(message, sqlState));
  }

  @Test
  void dataTheDatabaseRefusesIsADataErrorWhereverItSitsInTheCauseChain() {
    assertThat(
            StoreErrors.isDataError(
                translated("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", "22021")))
        .isTrue();
    assertThat(StoreErrors.isDataError(translated("ERROR: invalid input syntax", "22P02")))
        .isTrue();
    assertThat(StoreErrors.isDataError(translated("ERROR: violates check constraint", "23514")))
        .isTrue();
    assertThat(
            StoreErrors.reason(
                translated(
                    "ERROR: invalid byte sequence for encoding \"UTF8\": 0x00\n  Where: ...",
                    "22021")))
        .isEqualTo("SQLState 22021: invalid byte sequence for encoding \"UTF8\": 0x00");
  }

  @Test
  void aLostConnectionADeadlockOrAnErrorWithoutSqlStateIsNotADataError() {
    assertThat(
            StoreErrors.isDataError(
                new DataAccessResourceFailureException(
                    "gone", new SQLException("connection refused", "08001"))))
        .isFalse();
    assertThat(StoreErrors.isDataError(translated("deadlock detected", "40P01"))).isFalse();
    assertThat(StoreErrors.isDataError(new IllegalStateException("no SQL here"))).isFalse();
  }

  @Test
  void waitingBehindAnotherTransactionIsContentionAndALostConnectionIsNot() {
    assertThat(
            StoreErrors.isContention(
                translated("canceling statement due to lock timeout", "55P03")))
        .isTrue();
    assertThat(StoreErrors.isContention(translated("deadlock detected", "40P01"))).isTrue();
    assertThat(
            StoreErrors.isContention(
                new DataAccessResourceFailureException(
                    "gone", new SQLException("connection refused", "08001"))))
        .isFalse();
    assertThat(StoreErrors.isContention(new IllegalStateException("no SQL here"))).isFalse();
  }

  @Test
  void aDatabaseAwayOrWithoutRoomIsUnreachableAndAnErrorOfTheStatementIsNot() {
    assertThat(
            StoreErrors.isUnreachable(
                new DataAccessResourceFailureException(
                    "gone", new SQLException("connection refused", "08001"))))
        .isTrue();
    assertThat(StoreErrors.isUnreachable(translated("the database system is starting up", "57P03")))
        .isTrue();
    assertThat(StoreErrors.isUnreachable(translated("too many clients already", "53300"))).isTrue();
    // The pool waited out its timeout for a connection: Hikari's exception has no SQLState.
    assertThat(
            StoreErrors.isUnreachable(
                new CannotGetJdbcConnectionException(
                    "no connection",
                    new SQLTransientConnectionException("pool - Connection is not available"))))
        .isTrue();

    // Found by a crash drill: the rollback after it failed too, on a connection the pool had
    // closed ("Connection is closed", no SQLState); the addition relay logged it as unexpected.
    var rollback =
        new TransactionSystemException(
            "JDBC rollback failed", new SQLException("Connection is closed"));
    rollback.initApplicationException(translated("terminating connection", "57P01"));
    assertThat(StoreErrors.isUnreachable(rollback)).isTrue();
    var rollbackOfAnError =
        new TransactionSystemException(
            "JDBC rollback failed", new SQLException("Connection is closed"));
    rollbackOfAnError.initApplicationException(translated("no such column", "42703"));
    assertThat(StoreErrors.isUnreachable(rollbackOfAnError)).isFalse();
    var rollbackAfterAWait =
        new TransactionSystemException(
            "JDBC rollback failed", new SQLException("Connection is closed"));
    rollbackAfterAWait.initApplicationException(translated("lock timeout", "55P03"));
    assertThat(StoreErrors.isContention(rollbackAfterAWait)).isTrue();
    assertThat(StoreErrors.sqlState(rollbackAfterAWait)).isEqualTo("55P03");

    assertThat(StoreErrors.isUnreachable(translated("value too long", "22001"))).isFalse();
    assertThat(StoreErrors.isUnreachable(translated("deadlock detected", "40P01"))).isFalse();
    assertThat(StoreErrors.isUnreachable(translated("no such column", "42703"))).isFalse();
    assertThat(StoreErrors.isUnreachable(new IllegalStateException("no SQL here"))).isFalse();
  }
}
