package dev.sendout.activities.watchdog;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.CHANNEL;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_ID;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.TENANT_ID;

import dev.sendout.core.content.Sha256;
import dev.sendout.core.sendout.SendoutStarter;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.core.support.AuditTrail;
import dev.sendout.core.temporal.GrpcStatus;
import dev.sendout.core.watchdog.FindingStore;
import dev.sendout.core.watchdog.FindingStore.Finding;
import dev.sendout.workflows.Counted;
import dev.sendout.workflows.sendout.AddedRanges;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.SeqRange;
import dev.sendout.workflows.sendout.StuckReason;
import dev.sendout.workflows.sendout.SupportActionType;
import dev.sendout.workflows.sendout.WatchdogFindings;
import io.grpc.Status;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The watchdog's view of Temporal: which sendout workflows run, and those that should. */
@Component
class SendoutWorkflows {

  private static final Logger log = LoggerFactory.getLogger(SendoutWorkflows.class);

  /** Running sendout workflows, to compare with Postgres; only a real server answers it. */
  static final String RUNNING_SENDOUTS =
      "WorkflowType = 'SendoutWorkflow' AND ExecutionStatus = 'Running'";

  /** Bounds what one pass reads of the visibility store. */
  static final int MAX_LISTED = 10_000;

  private final WorkflowClient temporal;
  private final SendoutStarter starter;
  private final FindingStore findings;
  private final SendoutStore sendouts;
  private final AuditTrail audit;
  private final WatchdogProperties properties;
  private final Clock clock;

  SendoutWorkflows(
      WorkflowClient temporal,
      SendoutStarter starter,
      FindingStore findings,
      SendoutStore sendouts,
      AuditTrail audit,
      WatchdogProperties properties,
      Clock clock) {
    this.temporal = temporal;
    this.starter = starter;
    this.findings = findings;
    this.sendouts = sendouts;
    this.audit = audit;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Restarts, from its record, every unfinished sendout whose workflow was terminated, failed,
   * timed out or is gone. The restarted workflow releases nothing twice (the release is
   * idempotent), and its batches claim only messages not yet claimed, so no message is sent twice.
   */
  List<Finding> restartStopped() {
    List<Finding> restarted = new ArrayList<>();
    for (StoredSendout sendout : findings.unfinished(properties.maxCheckedSendouts())) {
      WatchdogActivitiesImpl.alive();
      WorkflowExecutionStatus status = status(sendout.id());
      boolean stopped =
          status == null
              || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED
              || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED
              || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT
              || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED;
      if (!stopped) {
        continue;
      }
      boolean paused = sendouts.isPaused(sendout.id());
      boolean cancelled = sendout.status() == SendoutStatus.CANCELLED;
      boolean spared = remindersSpared(sendout.id());
      if (!starter.restart(sendout, paused, spared)) {
        continue;
      }
      if ((spared || cancelled) && sendout.reminderCount() > 0) {
        sendouts.clearNextReminder(sendout.id()); // the new run sends no waves
      }
      String was =
          status == null ? "not found" : status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
      Instant now = clock.instant();
      audit.record(
          sendout.id(),
          "restart-" + now.toEpochMilli(),
          SupportActionType.RESTART,
          AuditTrail.WATCHDOG,
          "Workflow was %s; restarted from the record%s%s"
              .formatted(
                  was,
                  cancelled ? ", cancelled as the sendout is" : paused ? ", paused as it is" : "",
                  spared && !cancelled
                      ? ", without reminder waves (support staff skipped or cancelled some)"
                      : ""),
          0);
      restarted.add(
          new Finding(
              sendout.id(),
              sendout.tenantId(),
              sendout.channel(),
              StuckReason.WORKFLOW_NOT_RUNNING,
              0,
              now,
              "The workflow was %s while the sendout was %s; restarted from the record"
                  .formatted(was, sendout.status())));
    }
    return restarted;
  }

  /**
   * Whether support staff skipped or cancelled reminders of the sendout: which, only the run that
   * was stopped knew, so a restarted run sends no reminder waves rather than those they spared.
   */
  private boolean remindersSpared(UUID sendoutId) {
    return audit.has(
        sendoutId, List.of(SupportActionType.SKIP_REMINDER, SupportActionType.CANCEL_REMINDERS));
  }

  /**
   * Running sendout workflows whose sendout record is gone; null when this Temporal cannot list
   * workflows (Temporal's test server implements no visibility queries).
   */
  List<Finding> orphans() {
    List<WorkflowExecutionMetadata> running;
    try {
      running = temporal.listExecutions(RUNNING_SENDOUTS).limit(MAX_LISTED).toList();
    } catch (RuntimeException e) {
      if (GrpcStatus.codeOf(e) == Status.Code.UNIMPLEMENTED) {
        return null;
      }
      throw e;
    }
    Map<UUID, WorkflowExecutionMetadata> bySendout =
        running.stream()
            .filter(w -> w.getTypedSearchAttributes().get(SENDOUT_ID) != null)
            .collect(
                Collectors.toMap(
                    w -> UUID.fromString(w.getTypedSearchAttributes().get(SENDOUT_ID)),
                    Function.identity(),
                    (a, b) -> a));
    Set<UUID> existing = bySendout.isEmpty() ? Set.of() : findings.existing(bySendout.keySet());
    Instant now = clock.instant();
    List<Finding> orphans = new ArrayList<>();
    bySendout.forEach(
        (id, workflow) -> {
          if (!existing.contains(id)) {
            String channel = workflow.getTypedSearchAttributes().get(CHANNEL);
            orphans.add(
                new Finding(
                    id,
                    workflow.getTypedSearchAttributes().get(TENANT_ID),
                    channel == null ? null : Channel.valueOf(channel),
                    StuckReason.ORPHAN_WORKFLOW,
                    0,
                    now,
                    "Workflow %s runs but its sendout record is gone"
                        .formatted(workflow.getExecution().getWorkflowId())));
          }
        });
    return orphans;
  }

  /**
   * Hands messages found QUEUED past their release deadline to the sendout's running workflow,
   * which releases and sends them (I7: what can be healed is healed); to a new run when the sendout
   * completed without them (added as its run was finishing) and its survey has not closed. Recorded
   * in the audit trail once per set of ranges, however many passes hand the same ones over. Returns
   * false when no workflow can take them (one stopped unfinished is restarted by {@link
   * #restartStopped}): then they stay flagged.
   */
  boolean handOver(UUID sendoutId, List<SeqRange> ranges) {
    String to = "the workflow";
    try {
      temporal
          .newWorkflowStub(SendoutWorkflow.class, SendoutWorkflow.workflowId(sendoutId.toString()))
          .recipientsAdded(new AddedRanges(ranges, true));
    } catch (WorkflowNotFoundException closed) {
      if (starter.reopenForAdded(sendoutId, ranges) != SendoutStarter.LateAddition.REOPENED) {
        return false;
      }
      to = "a new run of the completed sendout's workflow";
    }
    int messages = ranges.stream().mapToInt(SeqRange::size).sum();
    if (audit.record(
        sendoutId,
        "hand-over-" + Sha256.hex(to + ranges).substring(0, 32),
        SupportActionType.HAND_OVER,
        AuditTrail.WATCHDOG,
        "%s QUEUED past their release deadline handed to %s"
            .formatted(Counted.of(messages, "message"), to),
        messages)) {
      log.warn(
          "Watchdog: handed {} overdue QUEUED messages of sendout {} to {}",
          messages,
          sendoutId,
          to);
    }
    return true;
  }

  /** Tells a sendout's workflow what the watchdog currently finds; a closed one is left alone. */
  void tell(UUID sendoutId, WatchdogFindings current) {
    try {
      temporal
          .newWorkflowStub(SendoutWorkflow.class, SendoutWorkflow.workflowId(sendoutId.toString()))
          .watchdogFindings(current);
    } catch (WorkflowNotFoundException closed) {
      log.debug("Sendout {} has no running workflow to flag", sendoutId);
    }
  }

  /** The status of the sendout's latest workflow run, or null when it has none. */
  private WorkflowExecutionStatus status(UUID sendoutId) {
    try {
      return temporal
          .newUntypedWorkflowStub(SendoutWorkflow.workflowId(sendoutId.toString()))
          .describe()
          .getStatus();
    } catch (WorkflowNotFoundException e) {
      return null;
    } catch (RuntimeException e) {
      if (GrpcStatus.codeOf(e) == Status.Code.NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }
}
