package dev.sendout.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.transaction.CannotCreateTransactionException;

class ApiExceptionHandlerTest {

  private final ApiExceptionHandler handler = new ApiExceptionHandler();

  @Test
  void aDatabaseOutageIsA503WithRetryAfterSoThatCallersAndSendGridRetry() {
    for (RuntimeException outage :
        new RuntimeException[] {
          new DataAccessResourceFailureException("connection refused"),
          new CannotCreateTransactionException("pool exhausted"),
          // jOOQ's own, from a statement run on the connection itself (db.connection)
          new org.jooq.exception.DataAccessException(
              "Error while running ConnectionCallable",
              new SQLException("An I/O error occurred: connection refused", "08006"))
        }) {
      var response = handler.databaseUnavailable(outage);

      assertThat(response.getStatusCode().value()).isEqualTo(503);
      assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
      assertThat(response.getBody().getType()).isEqualTo(ProblemType.UNAVAILABLE.uri());
      assertThat(response.getBody().getDetail()).doesNotContain("connection refused");
    }
  }

  @Test
  void aPoolThatTimedOutWithTheDatabaseUpSaysTheDatabaseIsBusyNotAway() {
    var busy =
        handler.databaseUnavailable(
            new CannotCreateTransactionException(
                "Could not open JDBC Connection for transaction",
                new SQLTransientConnectionException(
                    "HikariPool-1 - Connection is not available, request timed out after 5000ms")));
    var away =
        handler.databaseUnavailable(
            new CannotCreateTransactionException(
                "Could not open JDBC Connection for transaction",
                new SQLTransientConnectionException(
                    "HikariPool-1 - Connection is not available, request timed out after 5000ms",
                    "08001",
                    new SQLException("Connection to 127.0.0.1:5432 refused", "08001"))));

    assertThat(busy.getStatusCode().value()).isEqualTo(429);
    assertThat(busy.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
    assertThat(busy.getBody().getDetail()).startsWith("The database is too busy to answer in time");
    assertThat(away.getStatusCode().value()).isEqualTo(503);
    assertThat(away.getBody().getDetail()).isEqualTo("The database is unavailable");
  }

  @Test
  void aStatementThatWaitedOutItsLockTimeoutSaysTheDatabaseIsBusy() {
    var locked =
        handler.databaseUnavailable(
            new CannotAcquireLockException(
                "select ... for update",
                new SQLException("ERROR: canceling statement due to lock timeout", "55P03")));

    assertThat(locked.getStatusCode().value()).isEqualTo(429);
    assertThat(locked.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
    assertThat(locked.getBody().getDetail())
        .startsWith("The database is too busy to answer in time");
  }

  @Test
  void aProblemThatMaySucceedLaterSaysWhenToRetryAndNoOtherDoes() {
    var unavailable =
        handler.apiProblem(new ApiProblem(ProblemType.WORKFLOW_UNAVAILABLE, "no answer"));
    var refused = handler.apiProblem(new ApiProblem(ProblemType.WRONG_STATE, "paused already"));

    assertThat(unavailable.getStatusCode().value()).isEqualTo(503);
    assertThat(unavailable.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
    assertThat(unavailable.getBody().getType()).isEqualTo(ProblemType.WORKFLOW_UNAVAILABLE.uri());
    assertThat(refused.getStatusCode().value()).isEqualTo(409);
    assertThat(refused.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    assertThat(refused.getBody().getDetail()).isEqualTo("paused already");
  }

  @Test
  void aRateLimitSaysInWholeSecondsWhenTheBudgetRefillsAndA401HowToAuthenticate() {
    var limited =
        handler.apiProblem(
            new ApiProblem(ProblemType.RATE_LIMITED, "over", java.time.Duration.ofMillis(2300)));
    var noKey = handler.apiProblem(new ApiProblem(ProblemType.API_KEY_MISSING, "no key"));

    assertThat(limited.getStatusCode().value()).isEqualTo(429);
    assertThat(limited.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3");
    assertThat(noKey.getStatusCode().value()).isEqualTo(401);
    assertThat(noKey.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
  }

  @Test
  void dataTheDatabaseRefusesIsA400WithoutRetryAfterAndWithoutTheDatabasesWords() {
    for (RuntimeException refusal :
        new RuntimeException[] {
          new org.springframework.dao.DataIntegrityViolationException(
              "jOOQ; SQL [insert into message ...]",
              new SQLException(
                  "ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", "22021")),
          new org.jooq.exception.DataAccessException(
              "jOOQ; SQL [insert into receipt ...]",
              new SQLException("ERROR: value too long for type character varying(32)", "22001"))
        }) {
      var refused = handler.databaseUnavailable(refusal);

      assertThat(refused.getStatusCode().value()).isEqualTo(400);
      assertThat(refused.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
      assertThat(refused.getBody().getType()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
      assertThat(refused.getBody().getDetail()).doesNotContain("UTF8", "varying", "jOOQ", "insert");
    }
  }
}
