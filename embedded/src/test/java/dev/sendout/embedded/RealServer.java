package dev.sendout.embedded;

import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real-server test tier: tests that need a real Temporal server (visibility queries, Schedules,
 * the Web UI, listing search attributes, the server's own Update and continue-as-new handling),
 * which the Java SDK's test server does not have or only imitates. They run only when {@code
 * -Dsendout.realTemporal=host:port} (or the environment variable {@code SENDOUT_REAL_TEMPORAL})
 * names a running one, such as {@code deploy/temporal-dev/temporal-dev.sh start} gives; otherwise
 * every one of them is skipped with a message saying why, so that a green build without a server
 * never reads as a tested production path. {@code .ci/run} starts a server and sets it whenever Go
 * is on PATH.
 *
 * <p>The tests of this tier run one engine at a time against the server's {@code default}
 * namespace, and each engine has its own database: before an engine starts, the sendout and batch
 * workflows that an earlier engine left open are terminated, since their rows are gone and a new
 * worker would pick them up.
 */
final class RealServer implements ExecutionCondition {

  static final String PROPERTY = "sendout.realTemporal";
  static final String UI_PROPERTY = "sendout.realTemporalUi";
  static final String CLI_PROPERTY = "sendout.temporalCli";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (address() != null) {
      return ConditionEvaluationResult.enabled("real Temporal server at " + address());
    }
    return ConditionEvaluationResult.disabled(
        "SKIPPED: REAL-SERVER TIER NOT RUN. No real Temporal server named: set -D"
            + PROPERTY
            + "=host:port or SENDOUT_REAL_TEMPORAL (deploy/temporal-dev/temporal-dev.sh start"
            + " runs one; .ci/run does when Go is on PATH). The watchdog Schedule, visibility"
            + " queries, the Web UI, Updates and continue-as-new on the server and the"
            + " search-attribute type check are NOT verified by this build.");
  }

  /** The real server's gRPC address, or null when none is named. */
  static String address() {
    return setting(PROPERTY, "SENDOUT_REAL_TEMPORAL");
  }

  /** The Web UI's base URL, such as {@code http://127.0.0.1:8233}, or null when none is named. */
  static String uiUrl() {
    return setting(UI_PROPERTY, "SENDOUT_REAL_TEMPORAL_UI");
  }

  /**
   * The {@code temporal} CLI: the property or environment variable, else the one {@code
   * temporal-dev.sh build} caches, else null.
   */
  static Path cli() {
    String named = setting(CLI_PROPERTY, "SENDOUT_TEMPORAL_CLI");
    if (named != null) {
      return Path.of(named);
    }
    Path cached =
        Path.of(System.getProperty("user.home"), ".cache/sendout/temporal/cli-v1.5.1/temporal");
    return Files.isExecutable(cached) ? cached : null;
  }

  private static String setting(String property, String variable) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Engine settings for the real server: free ports, an embedded database, the real Temporal. */
  static EmbeddedEngine.Settings settings() {
    return new EmbeddedEngine.Settings(
        0, 0, 0, 0, null, address(), null, null, List.of(), List.of(), null, null);
  }

  /** Starts an engine on the real server, after clearing what earlier engines left open. */
  static EmbeddedEngine start(EmbeddedEngine.Settings settings) throws IOException {
    terminateLeftovers();
    return EmbeddedEngine.start(settings);
  }

  /** Terminates the open sendout and batch workflows of earlier engines (see the class comment). */
  static void terminateLeftovers() {
    WorkflowServiceStubs service = service();
    try {
      for (WorkflowExecutionInfo open :
          list(
              service,
              "(WorkflowType='SendoutWorkflow' OR WorkflowType='BatchWorkflow')"
                  + " AND ExecutionStatus='Running'")) {
        service
            .blockingStub()
            .terminateWorkflowExecution(
                TerminateWorkflowExecutionRequest.newBuilder()
                    .setNamespace("default")
                    .setWorkflowExecution(open.getExecution())
                    .setReason("real-server test tier: left by an earlier engine")
                    .build());
      }
    } finally {
      service.shutdown();
    }
  }

  /** Stubs of the real server's workflow service; the caller shuts them down. */
  static WorkflowServiceStubs service() {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
  }

  /**
   * Registers a namespace of the test's own on the real server and waits (bounded) until its
   * frontend answers for it, since a new namespace reaches the server's caches a moment later.
   */
  static void registerNamespace(WorkflowServiceStubs service, String namespace)
      throws InterruptedException {
    service
        .blockingStub()
        .registerNamespace(
            RegisterNamespaceRequest.newBuilder()
                .setNamespace(namespace)
                .setWorkflowExecutionRetentionPeriod(
                    com.google.protobuf.Duration.newBuilder().setSeconds(86_400))
                .build());
    EngineClient.await(
        () -> {
          try {
            service
                .blockingStub()
                .describeNamespace(
                    DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
            return true;
          } catch (StatusRuntimeException e) {
            return false;
          }
        },
        Duration.ofSeconds(30),
        "namespace " + namespace + " known to the server");
  }

  /** Every execution matching a visibility query, page after page. */
  static List<WorkflowExecutionInfo> list(WorkflowServiceStubs service, String query) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    com.google.protobuf.ByteString page = com.google.protobuf.ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse response =
          service
              .blockingStub()
              .listWorkflowExecutions(
                  ListWorkflowExecutionsRequest.newBuilder()
                      .setNamespace("default")
                      .setQuery(query)
                      .setNextPageToken(page)
                      .build());
      all.addAll(response.getExecutionsList());
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return all;
  }

  /**
   * The history of every run of a workflow, first run first: the latest run and each run it
   * continued as new from. Bounded by the run count a test can make.
   */
  static List<WorkflowExecutionHistory> runs(WorkflowClient client, String workflowId) {
    List<WorkflowExecutionHistory> runs = new ArrayList<>();
    WorkflowExecutionHistory run = client.fetchHistory(workflowId);
    while (true) {
      runs.add(0, run);
      String previous =
          run.getEvents()
              .get(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getContinuedExecutionRunId();
      if (previous.isEmpty()) {
        return runs;
      }
      if (runs.size() >= 10_000) {
        throw new AssertionError(workflowId + " has more runs than any test makes");
      }
      run = client.fetchHistory(workflowId, previous);
    }
  }

  /**
   * Waits until a workflow's latest run has completed. A sendout's row says COMPLETED from the
   * workflow's last activity, a workflow task before its run closes: a test reading its history
   * waits for this first.
   */
  static void awaitCompleted(WorkflowClient client, String workflowId, String what)
      throws InterruptedException {
    EngineClient.await(
        () ->
            client.newUntypedWorkflowStub(workflowId).describe().getStatus()
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
        Duration.ofSeconds(30),
        what);
  }

  /** The events of every run of a workflow, first run first. */
  static List<HistoryEvent> events(WorkflowClient client, String workflowId) {
    return runs(client, workflowId).stream().flatMap(run -> run.getEvents().stream()).toList();
  }

  static boolean running(WorkflowExecutionInfo info) {
    return info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** What a command printed (stdout and stderr together), failing if it fails or hangs. */
  static String run(Duration timeout, List<String> command) throws InterruptedException {
    try {
      Path output = Files.createTempFile("real-server-command", ".txt");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("Not finished within " + timeout + ": " + command);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      Files.delete(output);
      if (process.exitValue() != 0) {
        throw new AssertionError("Exit " + process.exitValue() + " of " + command + ":\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
