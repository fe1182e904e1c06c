package dev.sendout.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sendout.core.CapturedLog;
import dev.sendout.core.sendout.SendoutStarter;
import dev.sendout.core.support.AdditionHandoffs;
import dev.sendout.core.support.AdditionHandoffs.Pending;
import dev.sendout.core.support.RecipientAdditions;
import dev.sendout.workflows.sendout.AddedRanges;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.SeqRange;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/** How often the relay tells one sendout's workflow of new additions. */
class AdditionRelayTest {

  private final UUID sendoutId = UUID.randomUUID();
  private final AdditionHandoffs handoffs = mock(AdditionHandoffs.class);
  private final WorkflowClient temporal = mock(WorkflowClient.class);
  private final WorkflowStub workflow = mock(WorkflowStub.class);
  private final TransactionTemplate transaction = mock(TransactionTemplate.class);

  AdditionRelayTest() {
    when(temporal.newUntypedWorkflowStub(SendoutWorkflow.workflowId(sendoutId.toString())))
        .thenReturn(workflow);
    when(transaction.execute(any()))
        .thenAnswer(call -> call.<TransactionCallback<?>>getArgument(0).doInTransaction(null));
    // The workflow has released whatever it was handed.
    when(handoffs.stillQueued(anyMap())).thenReturn(Set.of());
  }

  private AdditionRelay relay(Duration gap) {
    // Never asked of in these tests: every workflow here takes its signal.
    return new AdditionRelay(
        handoffs,
        mock(RecipientAdditions.class),
        temporal,
        transaction,
        mock(SendoutStarter.class),
        gap);
  }

  /** The next round finds this addition pending, unless it skips the sendout. */
  private void pending(int seq, String key) {
    pending(seq, key, Duration.ZERO);
  }

  private void pending(int seq, String key, Duration untilSend) {
    List<Pending> pending =
        List.of(
            new Pending(sendoutId, List.of(new SeqRange(seq, seq + 1)), List.of(key), untilSend));
    doAnswer(
            call -> call.<Collection<UUID>>getArgument(1).contains(sendoutId) ? List.of() : pending)
        .when(handoffs)
        .lockPending(anyInt(), any());
  }

  @Test
  void aSendoutTakingAdditionsAllTheTimeIsToldAtMostOncePerGap() throws Exception {
    AdditionRelay relay = relay(Duration.ofMillis(500));

    pending(1, "a");
    relay.relay();
    pending(2, "b");
    relay.relay();

    verify(workflow, times(1)).signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));
    verify(handoffs).markHandedOver(sendoutId, List.of("a"));
    verify(handoffs, never()).markHandedOver(sendoutId, List.of("b"));
    // Within its gap the sendout is left out of the query, so its backlog fills no round.
    verify(handoffs).lockPending(anyInt(), eq(Set.of(sendoutId)));

    Thread.sleep(600);
    relay.relay();

    verify(workflow, times(2)).signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));
    verify(handoffs).markHandedOver(sendoutId, List.of("b"));
  }

  @Test
  void withoutAGapASendoutThatReleasedItsLastHandOffIsToldAtTheNextRound() {
    AdditionRelay relay = relay(Duration.ZERO);

    pending(1, "a");
    relay.relay();
    pending(2, "b");
    relay.relay();

    verify(workflow, times(2)).signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));
  }

  /** Its next hand-off then waits, whichever api instance makes it (AdditionHandoffs). */
  @Test
  void aSendoutToldBeforeItsSendTimeIsRecordedAsSo() {
    AdditionRelay relay = relay(Duration.ZERO);

    pending(1, "a", Duration.ofDays(1));
    relay.relay();
    pending(2, "b");
    relay.relay();

    verify(workflow, times(2)).signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));
    verify(handoffs, times(1)).markToldAhead(sendoutId);
  }

  @Test
  void aSendoutThatHasNotReleasedItsLastHandOffIsLeftOutOfTheQueryUntilItHas() {
    AdditionRelay relay = relay(Duration.ZERO);

    pending(1, "a");
    relay.relay();
    when(handoffs.stillQueued(Map.of(sendoutId, 1))).thenReturn(Set.of(sendoutId));
    pending(2, "b");
    relay.relay();

    verify(handoffs).lockPending(anyInt(), eq(Set.of(sendoutId)));
    verify(workflow, times(1)).signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));

    when(handoffs.stillQueued(anyMap())).thenReturn(Set.of());
    relay.relay();

    verify(workflow, times(2)).signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));
    verify(handoffs).markHandedOver(sendoutId, List.of("b"));
  }

  @Test
  void roundsThatKeepFailingAreLoggedOncePerWarningGapNotOncePerRound() {
    AdditionRelay relay = relay(Duration.ZERO);
    doThrow(new IllegalStateException("Temporal unreachable"))
        .when(workflow)
        .signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));
    try (CapturedLog log = CapturedLog.of(AdditionRelay.class)) {
      pending(1, "a");
      for (int round = 0; round < 20; round++) {
        relay.relay();
      }

      verify(workflow, times(20))
          .signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));
      verify(handoffs, never()).markHandedOver(any(), any());
      assertThat(log.events()).hasSize(1);

      // Temporal back: the recovery is said once, and the next outage is warned of at once.
      doNothing()
          .when(workflow)
          .signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));
      relay.relay();
      doThrow(new IllegalStateException("Temporal unreachable again"))
          .when(workflow)
          .signal(eq(SendoutWorkflow.RECIPIENTS_ADDED), any(AddedRanges.class));
      relay.relay();

      assertThat(log.events())
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "Could not hand additions to 1 sendouts now: java.lang.IllegalStateException:"
                  + " Temporal unreachable (0 more such since the last line)",
              "Additions are handed over again (19 more had failed since the last warning)",
              "Could not hand additions to 1 sendouts now: java.lang.IllegalStateException:"
                  + " Temporal unreachable again (0 more such since the last line)");
    }
  }

  /**
   * A fault drill froze Postgres for 90 s: the relay's rounds, five a second, each put a stack
   * trace in the log through Spring's scheduler. The additions stay pending in the database, and
   * the rounds that cannot reach it are said in a line now and then.
   */
  @Test
  void roundsThatCannotReachTheDatabaseAreLoggedInALineNowAndThen() {
    AdditionRelay relay = relay(Duration.ZERO);
    when(handoffs.lockPending(anyInt(), any()))
        .thenThrow(
            new DataAccessResourceFailureException(
                "no connection", new SQLException("connection refused", "08001")));
    try (CapturedLog log = CapturedLog.of(AdditionRelay.class)) {
      for (int round = 0; round < 20; round++) {
        relay.relay();
      }

      assertThat(log.events())
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "Could not read the additions to hand over now: SQLState 08001: connection refused"
                  + " (0 more such since the last line)");
      assertThat(log.events()).allMatch(event -> event.getThrowableProxy() == null);
    }
    // Any other error of the store is a bug to see, with its stack trace, not an outage.
    doThrow(
            new BadSqlGrammarException(
                "lockPending", "select", new SQLException("no such column", "42703")))
        .when(handoffs)
        .lockPending(anyInt(), any());
    assertThatThrownBy(relay::relay).isInstanceOf(BadSqlGrammarException.class);
  }

  @Test
  void aGapFromTheReleaseWaitOnIsRefused() {
    assertThatThrownBy(() -> relay(AdditionRelay.WAIT_FOR_RELEASE))
        .hasMessageContaining("sendout.api.addition-relay-gap");
  }
}
