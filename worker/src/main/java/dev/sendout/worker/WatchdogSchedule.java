package dev.sendout.worker;

import dev.sendout.activities.watchdog.WatchdogProperties;
import dev.sendout.core.temporal.GrpcStatus;
import dev.sendout.workflows.watchdog.WatchdogRun;
import dev.sendout.workflows.watchdog.WatchdogWorkflow;
import io.grpc.Status;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * Makes sure the watchdog runs, when the worker starts: creates the Temporal Schedule {@value
 * WatchdogWorkflow#ID}, or brings an existing one to this worker's period, so any number of workers
 * starting at once leave exactly one schedule. Temporal's test server has no Schedules (the
 * embedded default): there the worker starts one looping watchdog workflow instead, with the same
 * id, reused if it runs already.
 */
@Component
@DependsOn("searchAttributeRegistrar")
class WatchdogSchedule implements InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(WatchdogSchedule.class);

  private final WorkflowClient temporal;
  private final WatchdogProperties properties;
  private final String taskQueue;

  WatchdogSchedule(
      WorkflowClient temporal,
      WatchdogProperties properties,
      @Value("${sendout.task-queue.workflows}") String taskQueue) {
    this.temporal = temporal;
    this.properties = properties;
    this.taskQueue = taskQueue;
  }

  @Override
  public void afterPropertiesSet() {
    if (!properties.enabled()) {
      log.info("Watchdog disabled (sendout.watchdog.enabled=false)");
      return;
    }
    ScheduleClient schedules =
        ScheduleClient.newInstance(
            temporal.getWorkflowServiceStubs(),
            ScheduleClientOptions.newBuilder()
                .setNamespace(temporal.getOptions().getNamespace())
                .build());
    Schedule schedule = schedule();
    try {
      schedules.createSchedule(WatchdogWorkflow.ID, schedule, ScheduleOptions.newBuilder().build());
      log.info("Created the watchdog schedule: every {}", properties.period());
    } catch (ScheduleAlreadyRunningException exists) {
      schedules.getHandle(WatchdogWorkflow.ID).update(current -> new ScheduleUpdate(schedule));
      log.info("Watchdog schedule exists; set to every {}", properties.period());
    } catch (RuntimeException e) {
      if (GrpcStatus.codeOf(e) != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      startLoopingWatchdog();
    }
  }

  private Schedule schedule() {
    return Schedule.newBuilder()
        .setAction(
            ScheduleActionStartWorkflow.newBuilder()
                .setWorkflowType(WatchdogWorkflow.class)
                .setArguments(new WatchdogRun(null))
                .setOptions(
                    WorkflowOptions.newBuilder()
                        .setWorkflowId(WatchdogWorkflow.ID + "-pass")
                        .setTaskQueue(taskQueue)
                        .build())
                .build())
        .setSpec(
            ScheduleSpec.newBuilder()
                .setIntervals(List.of(new ScheduleIntervalSpec(properties.period())))
                .build())
        // A pass still running when the next is due makes the next one unnecessary.
        .setPolicy(
            SchedulePolicy.newBuilder()
                .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                .build())
        .build();
  }

  private void startLoopingWatchdog() {
    WatchdogWorkflow watchdog =
        temporal.newWorkflowStub(
            WatchdogWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WatchdogWorkflow.ID)
                .setTaskQueue(taskQueue)
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .setStaticSummary("Sendout watchdog, every " + properties.period())
                .build());
    WorkflowClient.start(watchdog::run, new WatchdogRun(properties.period()));
    log.info(
        "This Temporal has no Schedules (the test server): watchdog workflow {} loops every {}",
        WatchdogWorkflow.ID,
        properties.period());
  }
}
