package dev.sendout.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

/** What a retried store call's warning says: one line, the store's own words. */
class StoreCallsTest {

  @Test
  void theReasonIsTheInnermostCausesMessageWithoutTheSdksWrapping() {
    ApplicationFailure store =
        ApplicationFailure.newFailure(
            "The database is unreachable: connection refused", "StoreUnreachable");
    RuntimeException wrapped = new RuntimeException("Local activity failed", store);

    assertThat(StoreCalls.reason(wrapped))
        .isEqualTo("The database is unreachable: connection refused");
  }

  @Test
  void aCauseWithoutAMessageIsNamedByItsType() {
    assertThat(StoreCalls.reason(new RuntimeException("outer", new IllegalStateException())))
        .isEqualTo("IllegalStateException");
  }
}
