import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a finished sendout costs Temporal: the events and bytes of the history of its sendout
 * workflow and of each batch workflow, and the actions Temporal Cloud bills for them
 * (https://docs.temporal.io/evaluate/cloud/actions): starts, activities and their retries, timers,
 * signals, child starts, updates, search-attribute upserts but those of {@code
 * TemporalChangeVersion} alone, and the markers (local activities, versions) of one workflow task
 * as one action, for "all Local Activities associated with one Workflow Task count as a single
 * Action". {@code actionsEveryMarkerOne} counts each marker as one, as the figures before
 * 2026-12-08 in docs/benchmarks.md did.
 *
 * <p>Run with the SDK on the class path: {@code java -cp "$(cat cp.txt)" bench/HistorySize.java
 * 127.0.0.1:7233 default <sendoutId>...}. Prints one JSON object per sendout. A workflow that
 * continued as new is counted over all of its runs.
 */
public class HistorySize {

  private static final Set<EventType> ACTIONS =
      Set.of(
          EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
          EventType.EVENT_TYPE_TIMER_STARTED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
          EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
          EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
          EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);

  /** The search attribute the SDK upserts for {@code Workflow.getVersion}, billed as no action. */
  private static final String CHANGE_VERSION = "TemporalChangeVersion";

  public static void main(String[] args) {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    String namespace = args[1];
    for (int i = 2; i < args.length; i++) {
      String sendoutId = args[i];
      Tally sendout;
      try {
        sendout = history(service, namespace, "sendout-" + sendoutId);
      } catch (StatusRuntimeException e) {
        // A sendout accepted but whose workflow has not started yet has no history to count.
        System.err.printf("No history for sendout %s: %s%n", sendoutId, e.getStatus());
        continue;
      }
      // Batch workflows by the search attribute every batch carries, not by numbers in turn: a
      // sendout runs some batches inline (batch 0 of a small sendout, small rounds of additions),
      // so their numbers have gaps.
      Tally batches = new Tally();
      Set<String> batchIds = batchWorkflowIds(service, namespace, sendoutId);
      for (String batchId : batchIds) {
        batches.add(history(service, namespace, batchId));
      }
      int batchCount = batchIds.size();
      System.out.printf(
          "{\"sendoutId\":\"%s\",\"sendout\":%s,\"batchWorkflows\":%d,\"batches\":%s}%n",
          sendoutId, sendout, batchCount, batches);
    }
    service.shutdown();
  }

  /** The ids of the sendout's batch workflows (each once, however many runs it has). */
  private static Set<String> batchWorkflowIds(
      WorkflowServiceStubs service, String namespace, String sendoutId) {
    Set<String> ids = new TreeSet<>();
    ByteString page = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse response =
          service
              .blockingStub()
              .listWorkflowExecutions(
                  ListWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(namespace)
                      .setQuery(
                          "WorkflowType = 'BatchWorkflow' AND SendoutId = '%s'"
                              .formatted(sendoutId))
                      .setNextPageToken(page)
                      .build());
      response.getExecutionsList().forEach(e -> ids.add(e.getExecution().getWorkflowId()));
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return ids;
  }

  /** The history of a workflow's latest run and of every run it continued as new from. */
  private static Tally history(WorkflowServiceStubs service, String namespace, String workflowId) {
    Tally tally = new Tally();
    String runId = "";
    do {
      runId = run(service, namespace, workflowId, runId, tally);
    } while (!runId.isEmpty());
    return tally;
  }

  /** Counts one run's events; returns the run it continued as new from, or "" if none. */
  private static String run(
      WorkflowServiceStubs service, String namespace, String workflowId, String runId, Tally tally) {
    String previous = "";
    ByteString page = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse response =
          service
              .blockingStub()
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(namespace)
                      .setExecution(
                          WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                      .setNextPageToken(page)
                      .build());
      for (HistoryEvent event : response.getHistory().getEventsList()) {
        tally.count(event);
        if (event.hasWorkflowExecutionStartedEventAttributes()) {
          previous =
              event.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
        }
      }
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return previous;
  }

  static class Tally {
    long events;
    long bytes;
    long actions;
    long markers;
    final Map<String, Long> byType = new TreeMap<>();

    /** The workflow tasks of the current run that recorded a marker, by their completed event. */
    private final Set<Long> markerTasks = new HashSet<>();

    void count(HistoryEvent event) {
      events++;
      bytes += event.getSerializedSize();
      switch (event.getEventType()) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> {
          markerTasks.clear(); // a new run: its event ids start again
          bill("WORKFLOW_EXECUTION_STARTED", 1);
        }
        case EVENT_TYPE_MARKER_RECORDED -> {
          markers++;
          if (markerTasks.add(
              event.getMarkerRecordedEventAttributes().getWorkflowTaskCompletedEventId())) {
            bill("WORKFLOW_TASKS_RECORDING_MARKERS", 1);
          }
        }
        case EVENT_TYPE_ACTIVITY_TASK_STARTED -> {
          int retries = event.getActivityTaskStartedEventAttributes().getAttempt() - 1;
          if (retries > 0) {
            bill("ACTIVITY_RETRIES", retries);
          }
        }
        case EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES -> {
          Set<String> names =
              event
                  .getUpsertWorkflowSearchAttributesEventAttributes()
                  .getSearchAttributes()
                  .getIndexedFieldsMap()
                  .keySet();
          if (!Set.of(CHANGE_VERSION).equals(names)) {
            bill("UPSERT_WORKFLOW_SEARCH_ATTRIBUTES", 1);
          }
        }
        default -> {
          if (ACTIONS.contains(event.getEventType())) {
            bill(event.getEventType().name().replace("EVENT_TYPE_", ""), 1);
          }
        }
      }
    }

    private void bill(String type, long count) {
      actions += count;
      byType.merge(type, count, Long::sum);
    }

    void add(Tally other) {
      events += other.events;
      bytes += other.bytes;
      actions += other.actions;
      markers += other.markers;
      other.byType.forEach((k, v) -> byType.merge(k, v, Long::sum));
    }

    @Override
    public String toString() {
      StringBuilder types = new StringBuilder();
      byType.forEach((k, v) -> types.append(types.isEmpty() ? "" : ",").append("\"%s\":%d".formatted(k, v)));
      long everyMarkerOne =
          actions - byType.getOrDefault("WORKFLOW_TASKS_RECORDING_MARKERS", 0L) + markers;
      return ("{\"events\":%d,\"bytes\":%d,\"actions\":%d,\"actionsEveryMarkerOne\":%d,"
              + "\"actionsByType\":{%s}}")
          .formatted(events, bytes, actions, everyMarkerOne, types);
    }
  }
}
