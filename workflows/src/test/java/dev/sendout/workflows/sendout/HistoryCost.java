package dev.sendout.workflows.sendout;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.HashSet;
import java.util.Set;

/**
 * What one workflow execution costs, read from its history: how many events it wrote, and how many
 * Temporal Cloud <em>actions</em> (the billable unit) they stand for, counted by the rules of
 * https://docs.temporal.io/cloud/actions:
 *
 * <ul>
 *   <li>a workflow start (also a continued run's start): 1;
 *   <li>a child workflow start: 2 (the recorded intent, and the start itself);
 *   <li>an activity scheduled: 1, and 1 more for every retry (its started event's attempt − 1);
 *   <li>local activities: 1 per workflow task that recorded markers, however many it recorded, and
 *       1 per retried attempt the task reports in its metering metadata;
 *   <li>a timer started: 1; a signal received (from a client or a workflow): 1; an Update accepted:
 *       1;
 *   <li>a search-attribute upsert: 1, unless it only sets {@code TemporalChangeVersion}, which is
 *       exempt; attributes given at start are free.
 * </ul>
 *
 * Queries and rejected Updates leave nothing in the history, so they are not counted here.
 */
record HistoryCost(int events, int actions) {

  static final HistoryCost NONE = new HistoryCost(0, 0);

  static HistoryCost of(WorkflowExecutionHistory history) {
    int actions = 0;
    Set<Long> tasksWithMarkers = new HashSet<>();
    for (HistoryEvent event : history.getEvents()) {
      actions += actionsOf(event);
      if (event.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED) {
        tasksWithMarkers.add(
            event.getMarkerRecordedEventAttributes().getWorkflowTaskCompletedEventId());
      }
    }
    return new HistoryCost(history.getEvents().size(), actions + tasksWithMarkers.size());
  }

  private static int actionsOf(HistoryEvent event) {
    return switch (event.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
          EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
          EVENT_TYPE_TIMER_STARTED,
          EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
          EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED ->
          1;
      case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED -> 2;
      case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
          event.getActivityTaskStartedEventAttributes().getAttempt() - 1;
      case EVENT_TYPE_WORKFLOW_TASK_COMPLETED ->
          event
              .getWorkflowTaskCompletedEventAttributes()
              .getMeteringMetadata()
              .getNonfirstLocalActivityExecutionAttempts();
      case EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES -> {
        var fields =
            event
                .getUpsertWorkflowSearchAttributesEventAttributes()
                .getSearchAttributes()
                .getIndexedFieldsMap()
                .keySet();
        yield fields.equals(Set.of("TemporalChangeVersion")) ? 0 : 1;
      }
      default -> 0;
    };
  }

  HistoryCost plus(HistoryCost other) {
    return new HistoryCost(events + other.events, actions + other.actions);
  }

  @Override
  public String toString() {
    return "%d events, %d actions".formatted(events, actions);
  }
}
