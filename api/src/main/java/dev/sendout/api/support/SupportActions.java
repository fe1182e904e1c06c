package dev.sendout.api.support;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.sendout.SendoutStarter;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.core.support.SupportMessages;
import dev.sendout.core.temporal.GrpcStatus;
import dev.sendout.core.temporal.TemporalDeadline;
import dev.sendout.workflows.sendout.SendoutWorkflow;
import dev.sendout.workflows.sendout.SupportAction;
import dev.sendout.workflows.sendout.SupportActionType;
import dev.sendout.workflows.sendout.SupportRefusal;
import io.grpc.Status;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.client.WorkflowUpdateTimeoutOrCancelledException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Support actions as Updates of the sendout's workflow, and Temporal's answers as problems: a
 * refusal (the validator's {@link SupportRefusal#WRONG_STATE}) is 409 with the workflow's reason, a
 * workflow that is no longer running is 409 "finished", and a Temporal that does not answer within
 * the deadline is 503, so that no caller waits on an outage.
 */
@Component
public class SupportActions {

  /** Status codes that say Temporal could not be reached or did not answer in time. */
  private static final Set<Status.Code> UNREACHABLE =
      Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED);

  /**
   * The failure types of a refusal. The sendout workflow refuses with {@link
   * SupportRefusal#WRONG_STATE} only, but the Java SDK up to 1.38.0 loses the type of a failure its
   * validator throws (sdk-java#2875): the client sees the validator's message under the type of the
   * SDK's own wrapper instead. A failure of that type comes from a validator and nowhere else.
   */
  private static final Set<String> REFUSALS =
      Set.of(SupportRefusal.WRONG_STATE, "io.temporal.internal.worker.WorkflowExecutionException");

  private final WorkflowClient temporal;
  private final SendoutStarter starter;
  private final SendoutStore sendouts;
  private final SupportMessages messages;
  private final Duration deadline;

  /** The Retry-After of an action on a sendout whose workflow the watchdog has yet to restart. */
  static final Duration RESTARTED_WITHIN = Duration.ofSeconds(30);

  /**
   * @param deadline how long one action may take end to end. Ten seconds: a validator and a handler
   *     that only change workflow state answer within a second when the worker is up.
   */
  public SupportActions(
      WorkflowClient temporal,
      SendoutStarter starter,
      SendoutStore sendouts,
      SupportMessages messages,
      @Value("${sendout.api.support-action-deadline:10s}") Duration deadline) {
    this.temporal = temporal;
    this.starter = starter;
    this.sendouts = sendouts;
    this.messages = messages;
    this.deadline = deadline;
  }

  /**
   * Pause, resume, cancel, resend or acknowledge; returns how many messages it affected.
   *
   * @param actionId the Update's id, which the workflow also records as the audit trail's action
   *     id: a fresh one for each call, or {@link #actionId} of the caller's Idempotency-Key
   */
  public int take(UUID sendoutId, SupportActionType action, SupportAction by, String actionId) {
    return update(sendoutId, updateName(action), actionId, by);
  }

  /**
   * The Update's id, and so the audit trail's action id, of an action taken under the caller's
   * Idempotency-Key. Temporal takes an Update once per id in a run, and the trail keeps it across
   * runs: a repeat of the call finds the action taken, rather than taking it again (a second
   * skip-next-reminder would skip two waves) or being refused by the state the first left. The id
   * is the same whatever the action: another action under the key, sent while the first is under
   * way, joins the first Update rather than being taken beside it (a pause and a cancel under one
   * key were both taken), and is then refused as the key's reuse.
   */
  public static String actionId(String idempotencyKey) {
    return "action-" + idempotencyKey;
  }

  /**
   * Starts the sendout's workflow if the outbox relay has not yet: without it, an action on a
   * sendout accepted a moment ago would find no workflow and be told the sendout is finished.
   * Starting is idempotent, so a race with the relay is harmless.
   */
  public void startIfNeeded(StoredSendout sendout) {
    if (sendout.workflowStartedAt() != null) {
      return;
    }
    try {
      TemporalDeadline.within(deadline, () -> starter.start(sendout));
    } catch (RuntimeException e) {
      if (isUnreachable(e)) {
        throw new ApiProblem(
            ProblemType.WORKFLOW_UNAVAILABLE,
            "Temporal could not be reached to start the workflow of sendout %s; retry later"
                .formatted(sendout.id()));
      }
      throw e;
    }
    sendouts.markWorkflowStarted(sendout.id());
  }

  /**
   * The action ids an Idempotency-Key may have taken an action under: {@link #actionId}, and those
   * of the actions recorded before it, one per Update's name.
   */
  public static List<String> actionIds(String idempotencyKey) {
    return Stream.concat(
            Stream.of(actionId(idempotencyKey)),
            Arrays.stream(SupportActionType.values())
                .filter(action -> nameOrNull(action) != null)
                .map(action -> nameOrNull(action) + "-" + idempotencyKey))
        .toList();
  }

  /** The Update's name: the name of its method on {@link SendoutWorkflow}. */
  static String updateName(SupportActionType action) {
    String name = nameOrNull(action);
    if (name == null) {
      throw new IllegalArgumentException("No Update of a sendout takes the " + action + " action");
    }
    return name;
  }

  /** {@link #updateName}, or null for an action no Update takes. */
  private static String nameOrNull(SupportActionType action) {
    return switch (action) {
      case PAUSE -> "pause";
      case RESUME -> "resume";
      case CANCEL -> "cancel";
      case RESEND -> "resend";
      case ACKNOWLEDGE -> "acknowledge";
      case SKIP_REMINDER -> "skipNextReminder";
      case CANCEL_REMINDERS -> "cancelReminders";
      // Recorded by whoever does them (the API, the watchdog), or of a tenant, not a sendout.
      case ADD_RECIPIENTS, RESTART, HAND_OVER, SUPPRESSION_REMOVED -> null;
    };
  }

  private int update(UUID sendoutId, String name, String updateId, Object argument) {
    WorkflowStub workflow =
        temporal.newUntypedWorkflowStub(SendoutWorkflow.workflowId(sendoutId.toString()));
    long start = System.nanoTime();
    try {
      return TemporalDeadline.within(
          deadline,
          () ->
              workflow
                  .startUpdate(updateOptions(name, updateId), argument)
                  .getResult(remaining(start), TimeUnit.NANOSECONDS));
    } catch (RuntimeException e) {
      throw problem(e, sendoutId, name);
    }
  }

  /**
   * Sends the FAILED and UNCONFIRMED messages of a sendout that completed again, as the runbook
   * says to once their cause is fixed: the sendout's workflow is started again with the resend
   * Update, in one call (update-with-start, {@link SendoutStarter#reopening}), sends them, follows
   * their receipts and completes again. A workflow still running takes the Update as usual.
   */
  public int resendAfterCompletion(StoredSendout sendout, SupportAction by, String actionId) {
    if (!messages.anyResendable(sendout.id())) {
      // Refused before a run is started for it: the workflow would refuse it too, but only in a
      // run it started for nothing, "reopened to send failed messages again" in the Web UI.
      throw new ApiProblem(ProblemType.WRONG_STATE, SupportRefusal.NOTHING_TO_RESEND);
    }
    String name = updateName(SupportActionType.RESEND);
    SendoutStarter.Reopening reopening = starter.reopening(sendout);
    long start = System.nanoTime();
    try {
      return TemporalDeadline.within(
          deadline,
          () ->
              reopening
                  .workflow()
                  .startUpdateWithStart(
                      updateOptions(name, actionId),
                      new Object[] {by},
                      new Object[] {reopening.start()})
                  .getResult(remaining(start), TimeUnit.NANOSECONDS));
    } catch (RuntimeException e) {
      throw problem(e, sendout.id(), name);
    }
  }

  private static UpdateOptions<Integer> updateOptions(String name, String updateId) {
    return UpdateOptions.newBuilder(Integer.class)
        .setUpdateName(name)
        .setUpdateId(updateId)
        .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
        .build();
  }

  /**
   * Whether the sendout has finished, as the watchdog judges it (every message settled: {@code
   * completed_at}, set for a cancelled one too once what it had sent has its receipts); a store
   * that does not answer leaves it open, so that the caller is told to retry.
   */
  private boolean finished(UUID sendoutId) {
    try {
      return sendouts.find(sendoutId).map(s -> s.completedAt() != null).orElse(true);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private long remaining(long start) {
    return Math.max(1, deadline.toNanos() - (System.nanoTime() - start));
  }

  private RuntimeException problem(RuntimeException e, UUID sendoutId, String name) {
    if (e instanceof WorkflowUpdateException refused
        && refused.getCause() instanceof ApplicationFailure failure
        && REFUSALS.contains(failure.getType())) {
      return new ApiProblem(ProblemType.WRONG_STATE, failure.getOriginalMessage());
    }
    if (e instanceof WorkflowUpdateException refused
        && refused.getCause() instanceof ApplicationFailure failure
        && SupportRefusal.STORE_REFUSED.equals(failure.getType())) {
      return new ApiProblem(ProblemType.ACTION_REFUSED, failure.getOriginalMessage());
    }
    if (e instanceof WorkflowNotFoundException) {
      if (!finished(sendoutId)) {
        // Its workflow was terminated, or failed: the watchdog starts it again at its next pass.
        // Not "finished", which a caller would take as final while the sendout goes on.
        return new ApiProblem(
            ProblemType.WORKFLOW_UNAVAILABLE,
            ("The workflow of sendout %s is not running though the sendout has not finished: it"
                    + " was terminated or failed, and the watchdog starts it again within its"
                    + " period (a minute by default). Nothing was done; repeat the %s action then.")
                .formatted(sendoutId, name),
            RESTARTED_WITHIN);
      }
      return new ApiProblem(
          ProblemType.SENDOUT_FINISHED,
          "Sendout %s is finished: its workflow is no longer running".formatted(sendoutId));
    }
    if (GrpcStatus.codeOf(e) == Status.Code.FAILED_PRECONDITION
        && GrpcStatus.descriptionOf(e).contains("distinct updates")) {
      // Temporal's limit on Updates in one run: the workflow refuses all but a cancel and an
      // acknowledgement well before it, so only those, or Updates sent by hand, meet it.
      return new ApiProblem(
          ProblemType.WRONG_STATE,
          ("The workflow of sendout %s has taken Temporal's most Updates in one run (2,000) and"
                  + " takes no %s action until it continues as new. Nothing was done; see the"
                  + " support runbook.")
              .formatted(sendoutId, name));
    }
    if (GrpcStatus.codeOf(e) == Status.Code.FAILED_PRECONDITION) {
      // The server takes no Update while the workflow's task keeps failing: a fault of the
      // workflow's (the runbook's "A workflow task that keeps failing"), not of the caller's.
      return new ApiProblem(
          ProblemType.WORKFLOW_UNAVAILABLE,
          ("The workflow of sendout %s cannot take the %s action now: Temporal says its workflow"
                  + " task is failing. Nothing was done; see the support runbook.")
              .formatted(sendoutId, name));
    }
    if (e instanceof WorkflowUpdateTimeoutOrCancelledException || isUnreachable(e)) {
      // The two look alike here (the call's deadline passes either way): Temporal away, or the
      // workflow not taking the Update in time, busy in a store call (an upload of recipients to
      // the sendout holds those until it commits) or with no worker running.
      return new ApiProblem(
          ProblemType.WORKFLOW_UNAVAILABLE,
          ("The %s action on sendout %s got no answer within %d seconds: Temporal is unreachable,"
                  + " or the sendout's workflow is busy (for example while an upload of recipients"
                  + " to it is under way) or has no worker. It may still be taken: repeat it with"
                  + " the same Idempotency-Key, which takes it once, or check GET"
                  + " /v1/sendouts/%s/audit before repeating it without one.")
              .formatted(name, sendoutId, deadline.toSeconds(), sendoutId));
    }
    return e;
  }

  /**
   * True when Temporal could not be reached or did not answer, anywhere along the cause chain; or
   * the call's deadline had passed by the time the SDK made a call of its own, which it refuses
   * with "invalid expiration" (a resume sent as Temporal died answered 500, a newcomer saw).
   */
  static boolean isUnreachable(Throwable e) {
    Status.Code code = GrpcStatus.codeOf(e);
    if (code != null && UNREACHABLE.contains(code)) {
      return true;
    }
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof IllegalArgumentException
          && String.valueOf(t.getMessage()).startsWith("invalid expiration")) {
        return true;
      }
    }
    return false;
  }
}
