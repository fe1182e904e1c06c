package dev.sendout.core.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.jooq.exception.NoDataFoundException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a store error that retrying cannot fix from one that a retry may: a value the database
 * refuses (SQLState class 22, "data exception", such as 22021 for a NUL in a text or 22P02 for an
 * invalid literal; class 23, a violated constraint such as 23514; 54000, a value too large to
 * index) fails the same way on every attempt, while a lost connection (class 08), a deadlock
 * (40P01) or a serialization failure (40001) passes on a retry.
 */
public final class StoreErrors {

  /** The SQLStates of {@link #isContention}. */
  private static final Set<String> CONTENTION = Set.of("55P03", "57014", "40P01", "40001");

  /** The SQLStates of {@link #isUnreachable} beside class 08. */
  private static final Set<String> UNREACHABLE = Set.of("57P01", "57P02", "57P03", "53300");

  private StoreErrors() {}

  /** The SQLState of the first SQL error in the cause chain, or null when there is none. */
  public static String sqlState(Throwable error) {
    return causes(error)
        .map(e -> e instanceof SQLException sql ? sql.getSQLState() : null)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /** True when the database refused the data itself, which no retry can change. */
  public static boolean isDataError(Throwable error) {
    String state = sqlState(error);
    return state != null
        && (state.startsWith("22") || state.startsWith("23") || state.equals("54000"));
  }

  /**
   * True when the statement waited for another transaction and gave up, or lost to it: a lock
   * timeout (55P03), a statement timeout (57014), a deadlock (40P01) or a serialization failure
   * (40001). A retry is the cure; the stack trace says nothing the SQLState does not.
   */
  public static boolean isContention(Throwable error) {
    String state = sqlState(error);
    return state != null && CONTENTION.contains(state);
  }

  /**
   * True when the error is the database's or its connection pool's (an SQL error, or Spring's or
   * jOOQ's data access error, anywhere in the cause chain), such as a pool that timed out waiting
   * for a connection, whose SQL error has no SQLState.
   */
  public static boolean isDatabaseError(Throwable error) {
    return causes(error)
        .anyMatch(
            e ->
                e instanceof SQLException
                    || e instanceof org.springframework.dao.DataAccessException
                    || e instanceof org.jooq.exception.DataAccessException);
  }

  /**
   * True when the database could not be reached or took no more work: its connection failed or was
   * refused (SQLState class 08), it is shutting down or starting (57P01, 57P02, 57P03), it has no
   * connection slot left (53300), or the pool waited out its timeout for a connection. Every store
   * call meets the same until it is back; any other error is the call's own.
   */
  public static boolean isUnreachable(Throwable error) {
    String state = sqlState(error);
    if (state != null && (state.startsWith("08") || UNREACHABLE.contains(state))) {
      return true;
    }
    return causes(error).anyMatch(SQLTransientConnectionException.class::isInstance);
  }

  /**
   * True when a row the work needs is not there ({@code fetchSingle} found none): a sendout whose
   * rows were deleted under its running workflow. No retry brings it back.
   */
  public static boolean isMissingRow(Throwable error) {
    return causes(error).anyMatch(NoDataFoundException.class::isInstance);
  }

  /**
   * What the database said, on one line, for people: the SQL error's first line without its
   * severity, such as {@code SQLState 22021: invalid byte sequence for encoding "UTF8": 0x00}; for
   * an error without one, its own first line.
   */
  public static String reason(Throwable error) {
    SQLException sql =
        causes(error)
            .filter(e -> e instanceof SQLException && e.getMessage() != null)
            .map(SQLException.class::cast)
            .findFirst()
            .orElse(null);
    if (sql == null) {
      return String.valueOf(error).lines().findFirst().orElse("");
    }
    String line =
        sql.getMessage().lines().findFirst().orElse("").trim().replaceFirst("^ERROR:\\s*", "");
    return sql.getSQLState() == null ? line : "SQLState " + sql.getSQLState() + ": " + line;
  }

  /**
   * The error and its causes, in order (a cause that is its own ends the chain); for a rollback
   * that failed after the work's own error, that error's first: the rollback after the database
   * went away failed too, on a connection the pool had closed ("Connection is closed", with no
   * SQLState), and only the work's error says why.
   */
  private static Stream<Throwable> causes(Throwable error) {
    Stream<Throwable> own =
        Stream.iterate(error, e -> e != null, e -> e.getCause() == e ? null : e.getCause());
    return error instanceof TransactionSystemException rollback
            && rollback.getApplicationException() != null
        ? Stream.concat(causes(rollback.getApplicationException()), own)
        : own;
  }
}
