package dev.sendout.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.SupportAction;
import dev.sendout.workflows.sendout.SupportActionType;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.UpdateMethod;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/** Temporal's answers to the support Updates, from a real test server, as the API sees them. */
class SupportActionsTest {

  private static final String QUEUE = "support-actions-test";
  private static final Duration DEADLINE = Duration.ofSeconds(2);
  private static final SupportAction BY = new SupportAction("ann", null);

  /** The store's sendouts: none here unless a test says so. */
  private final SendoutStore sendouts = mock(SendoutStore.class);

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private SupportActions actions;

  @BeforeEach
  void startServer() {
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker(QUEUE).registerWorkflowImplementationTypes(FakeSendoutWorkflow.class);
    env.start();
    client = env.getWorkflowClient();
    actions = new SupportActions(client, null, sendouts, null, DEADLINE);
  }

  @AfterEach
  void stopServer() {
    env.close();
  }

  private UUID running(String taskQueue) {
    UUID id = UUID.randomUUID();
    client
        .newUntypedWorkflowStub(
            "SendoutWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(SendoutWorkflow.workflowId(id.toString()))
                .setTaskQueue(taskQueue)
                .build())
        .start((Object) null);
    return id;
  }

  private static void assertProblem(ThrowingCallable call, ProblemType type, String detail) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> {
              assertThat(problem.type()).isEqualTo(type);
              assertThat(problem.getMessage()).contains(detail);
            });
  }

  @Test
  void anActionTheWorkflowTakesAnswersHowManyMessagesItAffected() {
    UUID id = running(QUEUE);

    assertThat(actions.take(id, SupportActionType.RESEND, BY, fresh()))
        .isEqualTo(FakeSendoutWorkflow.RESENT);
  }

  @Test
  void aRefusalIsAWrongStateProblemWithTheWorkflowsOwnReason() {
    UUID id = running(QUEUE);

    assertProblem(
        () -> actions.take(id, SupportActionType.RESUME, BY, fresh()),
        ProblemType.WRONG_STATE,
        "The sendout is not paused");
    actions.take(id, SupportActionType.PAUSE, BY, fresh());
    assertProblem(
        () -> actions.take(id, SupportActionType.PAUSE, BY, fresh()),
        ProblemType.WRONG_STATE,
        "The sendout is paused already");
  }

  @Test
  void anActionTheStoreRefusedIsAnActionRefusedProblemWithTheWorkflowsReason() {
    UUID id = running(QUEUE);

    assertProblem(
        () ->
            actions.take(
                id,
                SupportActionType.ACKNOWLEDGE,
                new SupportAction("ann", "refused by the store"),
                fresh()),
        ProblemType.ACTION_REFUSED,
        "The acknowledge action was not taken");
  }

  @Test
  void aSendoutWhoseWorkflowIsNotRunningIsFinishedOnlyOnceTheStoreSaysSo() {
    UUID terminated = running(QUEUE);
    client.newUntypedWorkflowStub(SendoutWorkflow.workflowId(terminated.toString())).terminate("t");
    StoredSendout open = mock(StoredSendout.class);
    when(sendouts.find(terminated)).thenReturn(Optional.of(open));

    // The watchdog starts it again: a caller is told to retry, not that it is over.
    assertProblem(
        () -> actions.take(terminated, SupportActionType.PAUSE, BY, fresh()),
        ProblemType.WORKFLOW_UNAVAILABLE,
        "the watchdog starts it again");
    when(sendouts.find(terminated)).thenThrow(new IllegalStateException("store away"));
    assertProblem(
        () -> actions.take(terminated, SupportActionType.PAUSE, BY, fresh()),
        ProblemType.WORKFLOW_UNAVAILABLE,
        "the watchdog starts it again");

    StoredSendout completed = mock(StoredSendout.class);
    when(completed.completedAt()).thenReturn(Instant.now());
    Mockito.reset(sendouts);
    when(sendouts.find(terminated)).thenReturn(Optional.of(completed));
    assertProblem(
        () -> actions.take(terminated, SupportActionType.PAUSE, BY, fresh()),
        ProblemType.SENDOUT_FINISHED,
        "is finished");
    assertProblem(
        () -> actions.take(UUID.randomUUID(), SupportActionType.PAUSE, BY, fresh()),
        ProblemType.SENDOUT_FINISHED,
        "is finished");
  }

  @Test
  void aWorkflowWhoseWorkerDoesNotAnswerIsUnavailableWithinTheDeadline() {
    UUID id = running("a-queue-nobody-polls");

    long start = System.nanoTime();
    assertProblem(
        () -> actions.take(id, SupportActionType.PAUSE, BY, fresh()),
        ProblemType.WORKFLOW_UNAVAILABLE,
        "may still be taken");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE.plusSeconds(3));
  }

  @Test
  void anUnreachableTemporalIsUnavailableWithinTheDeadline() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    WorkflowServiceStubs nowhere =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + closedPort).build());
    var unreachable =
        new SupportActions(WorkflowClient.newInstance(nowhere), null, null, null, DEADLINE);
    try {
      long start = System.nanoTime();
      assertProblem(
          () -> unreachable.take(UUID.randomUUID(), SupportActionType.PAUSE, BY, fresh()),
          ProblemType.WORKFLOW_UNAVAILABLE,
          "got no answer within");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE.plusSeconds(3));
    } finally {
      nowhere.shutdownNow();
    }
  }

  /**
   * The SDK refuses to make a call of its own once the deadline has passed, with an
   * IllegalArgumentException: a resume sent as Temporal died answered 500 (a newcomer's
   * walk-through).
   */
  @Test
  void aDeadlinePassedBeforeTheSdksOwnCallIsTemporalNotAnswering() {
    var passed =
        new WorkflowServiceException(
            WorkflowExecution.getDefaultInstance(),
            "SendoutWorkflow",
            new IllegalArgumentException("invalid expiration : PT-1.175S"));

    assertThat(SupportActions.isUnreachable(passed)).isTrue();
    assertThat(SupportActions.isUnreachable(new IllegalArgumentException("something else")))
        .isFalse();
  }

  @Test
  void everyActionOfTheApiNamesAnUpdateOfTheSendoutWorkflow() {
    // The watchdog takes RESTART and HAND_OVER itself; SUPPRESSION_REMOVED concerns a tenant's
    // suppression list, not a sendout; recipients are added through the API's additions, handed
    // over by signal.
    for (SupportActionType action :
        EnumSet.complementOf(
            EnumSet.of(
                SupportActionType.RESTART,
                SupportActionType.HAND_OVER,
                SupportActionType.SUPPRESSION_REMOVED,
                SupportActionType.ADD_RECIPIENTS))) {
      String name = SupportActions.updateName(action);
      assertThat(
              Arrays.stream(SendoutWorkflow.class.getMethods())
                  .filter(m -> m.getName().equals(name))
                  .anyMatch(m -> m.isAnnotationPresent(UpdateMethod.class)))
          .as("%s is sent as Update %s", action, name)
          .isTrue();
    }
  }

  private static String fresh() {
    return UUID.randomUUID().toString();
  }
}
