package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.sendout.SendoutSearchAttributes.SENDOUT_STATUS;
import static dev.sendout.workflows.sendout.SendoutSearchAttributes.STUCK;

import dev.sendout.workflows.Changes;
import dev.sendout.workflows.StoreCalls;
import dev.sendout.workflows.TimedWait;
import dev.sendout.workflows.batch.BatchPhase;
import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.sendout.SendoutActivities.ActionApplied;
import dev.sendout.workflows.sendout.SendoutActivities.ApplyAction;
import dev.sendout.workflows.sendout.SendoutActivities.Completion;
import dev.sendout.workflows.sendout.SendoutActivities.MarkCompleted;
import dev.sendout.workflows.sendout.SendoutActivities.MarkSending;
import dev.sendout.workflows.sendout.SendoutActivities.MarkSent;
import dev.sendout.workflows.sendout.SendoutActivities.Released;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * Waits for the send time, releases the sendout, then keeps at most {@code maxBatchesInFlight}
 * batch workflows sending until every batch has been sent, and waits until every batch has settled
 * its receipts. A batch frees its place in the window when it reports being sent, so batches
 * waiting a day for receipts never hold up the sending of the others.
 *
 * <p>The batches report through signals (sent, stuck, settled) rather than through their results,
 * because they outlive this run: before its history grows large the workflow continues as new with
 * a {@link SendoutCheckpoint}, and its children, started with {@code ParentClosePolicy.ABANDON},
 * carry on and report to the new run, which has the same workflow id.
 *
 * <p>Support actions (pause, resume, cancel, resend, acknowledge, the reminders') arrive as
 * Updates, and added recipients as the API's {@code recipientsAdded} signal; added and resent
 * messages get batches of their own after the first release's. The {@code Stuck} flag combines the
 * release deadline, the batches' receipt deadlines and the watchdog's findings ({@link StuckFlag}).
 *
 * <p>Its pure parts live beside it, each with tests of its own: which batch is which ({@link
 * BatchPlan}), what the batches reported ({@link BatchLedger}), the progress support staff see
 * ({@link ProgressReport}), which support action is accepted when ({@link SupportRules}). So do two
 * steps that call the server: starting the batches ({@link BatchStarter}: children, or the one
 * batch of a small sendout inline) and the release with its deadline ({@link Release}).
 */
public class SendoutWorkflowImpl implements SendoutWorkflow {

  private static final Logger log = Workflow.getLogger(SendoutWorkflowImpl.class);

  /** From version 1 a cancel stops the sendout only once the store has recorded it. */
  static final String CANCEL_AFTER_STORE_WRITE = "cancel-after-store-write";

  /**
   * From version 1 the send loop waits past the changes it had seen when its pass began, so that a
   * change made while it was in a store call (a resend or an addition handled meanwhile) wakes it.
   */
  static final String SEES_CHANGES_DURING_CALLS = "sees-changes-during-calls";

  /** From version 1 added ranges released together that follow one another make one batch. */
  static final String MERGE_ADDED_RANGES = "merge-added-ranges";

  /**
   * From version 1 a sendout with a delivery window releases only the messages whose window is
   * open, waits with a timer until the next window opens for the others, and releases again. Asked
   * only of sendouts that have a window, so that the others' histories stay as they were.
   */
  static final String QUIET_HOURS = "quiet-hours";

  /**
   * From version 1 a sendout with reminders sends them in waves ({@link ReminderSchedule}), and one
   * with a closing date stops sending at it. Asked only of sendouts that have either, so that the
   * others' histories stay as they were.
   */
  static final String REMINDERS = "reminders";

  /**
   * From version 1 a sendout that ends drops what the watchdog last reported of it: every message
   * is final by then, so a finding still held is out of date (a release that succeeded a moment
   * before the watchdog's next pass left {@code NOT_RELEASED} behind), and a closed workflow's
   * search attributes can never be corrected. Asked only when there is a finding to drop.
   */
  static final String DROP_FINDINGS_AT_END = "drop-watchdog-findings-at-end";

  /**
   * From version 1 a round of added recipients that fits one batch is released and, by email, sent
   * in the workflow task that the API's hand-off starts, as a one-recipient sendout is ({@link
   * Release#LOCAL_SMALL_RELEASE}, {@link BatchStarter#LOCAL_SMALL_SEND}); only a call that fails
   * there goes on as an activity. And {@code SendoutStatus=SENDING} is written only when the send
   * loop comes to rest with a batch still sending: a round released and sent within one workflow
   * task, which was {@code SENDING} and {@code SENT} again in the same moment, writes no upsert. A
   * survey platform adding recipients all day hands each open sendout a round a second; each round
   * cost five workflow tasks, two activities, a deadline timer and two upserts, and the server's
   * work bounded how many rounds the engine took. Asked first thing in a run.
   */
  static final String ROUNDS_IN_TASK = "rounds-in-task";

  /**
   * From version 1 a round that {@link #ROUNDS_IN_TASK} sends in its workflow task writes no status
   * to the store either: its release leaves a SENT sendout SENT in the store ({@link
   * SendoutActivities.ReleaseSendout#keepSent}), so no {@code markSent} follows, and SENDING is
   * recorded only if the loop comes to rest with the round still sending, or continues as new
   * before sending it ({@code markSending}). And a batch sent in the workflow task awaits its
   * receipts' signal without first reading the store, where they are not yet in all but a race
   * ({@link dev.sendout.workflows.batch.BatchRun.Owner#awaitsReceiptsAfterSendInTask}). Each round
   * so costs two local activities, two history events, a query and two writes to the sendout's row
   * fewer; spread over a hundred open sendouts, the rounds' work bounded the rate of additions.
   * Asked first thing in a run, with {@link #ROUNDS_IN_TASK} on.
   */
  static final String LEAN_ROUNDS = "lean-rounds";

  /**
   * From version 1 an acknowledgement the store refuses (a note with a NUL, say, sent from the
   * Temporal UI) puts the stuck flag back: before it the workflow showed the sendout acknowledged
   * and not stuck while nothing was recorded, and the API refused every later acknowledgement.
   */
  static final String UNDO_REFUSED_ACKNOWLEDGE = "undo-refused-acknowledge";

  /**
   * An acknowledgement covers every reason the sendout is flagged for, and a reason that comes
   * after it flags the sendout again: before it, it covered the first reason only, so a new reason
   * later in {@link StuckReason} order (RECEIPT_LATE after an acknowledged NO_RECEIPT) left {@code
   * Stuck} false, and its own acknowledgement was refused as "not flagged stuck".
   */
  static final String ACKNOWLEDGE_EVERY_REASON = "acknowledge-every-reason";

  /**
   * A sendout with a delivery window whose first release let nothing out (every recipient's window
   * closed) stays SCHEDULED until a window opens, as the API shows it; before it the workflow
   * showed SENDING, "0 of 0 batches sent", for hours. Asked only then, and in a continued run that
   * still waits so (which showed SENT, nothing sent, before it asked there: runs continued before
   * did not ask, and replay as they ran).
   */
  static final String SCHEDULED_UNTIL_A_WINDOW_OPENS = "scheduled-until-a-window-opens";

  /**
   * From version 1 a reminder wave made while the reminders were cancelled or the survey closed
   * (the support action or the close came during the store call) is dropped in the store, not left
   * QUEUED for the watchdog to hand back and send. Asked only there, so histories without such a
   * wave replay as they ran.
   */
  static final String DROP_STOPPED_WAVE = "drop-stopped-wave";

  /**
   * From version 1 a cancel stops the reminders too, so that a cancelled sendout no longer shows
   * the next wave (its {@code NextReminderAt}, its progress and its details) that will never come.
   * Asked only of a cancel with a wave still to come.
   */
  static final String CANCEL_STOPS_REMINDERS = "cancel-stops-reminders";

  /**
   * From version 1 a run the watchdog started again for a cancelled sendout starts the batches its
   * plan kept, which claim nothing (the cancel left nothing to claim) and await the receipts of
   * what was sent before it; a batch still running from the stopped run is asked to report instead.
   * Before it no batch started while cancelling, and such a run never ended. Asked only there:
   * after any other cancel every batch the plan keeps has started.
   */
  static final String START_BATCHES_A_CANCEL_KEPT = "start-batches-a-cancel-kept";

  /**
   * From version 1 an Update accepted while the store call before a continue-as-new was under way
   * (a local activity retried, or one long enough for the task to heartbeat, lets the workflow take
   * one) finishes before the run continues. Cut off, its caller was told it failed, while the new
   * run carried what it had changed before its store write (paused, acknowledged, a reminder
   * skipped) that the store never recorded. Asked only then.
   */
  static final String HANDLERS_DURING_LAST_CALL = "handlers-during-last-call";

  /**
   * From version 1 a resend wakes the stuck batches whose unconfirmed messages it takes, which then
   * settle within seconds rather than at their next backstop check, up to an hour away ({@link
   * BatchStarter#wake}). Asked only by a resend while a batch is stuck.
   */
  static final String WAKE_STUCK_BATCHES_ON_RESEND = "wake-stuck-batches-on-resend";

  /**
   * From version 1 a sendout waiting for its send time shows what the watchdog finds meanwhile (an
   * orphaned workflow, whose rows are gone): the findings were signalled, but the search attributes
   * and details were written only by the send loop, so a sendout scheduled for next month showed
   * {@code Stuck = false} in the Web UI until then. Asked only by a sendout that waits for its send
   * time.
   */
  static final String FINDINGS_BEFORE_SEND_TIME = "findings-before-send-time";

  /**
   * From version 1 a resend also wakes the batches whose send left messages in doubt (UNCONFIRMED
   * before their receipt deadline, a call cut off by a crash): a support drill resent such a
   * message, it was delivered, and its sendout stayed SENT with every message DELIVERED until the
   * batch's next backstop check, six minutes later (up to an hour). Asked only by a resend while
   * such a batch awaits its receipts.
   */
  static final String WAKE_IN_DOUBT_BATCHES_ON_RESEND = "wake-in-doubt-batches-on-resend";

  /**
   * From version 1 an acknowledgement, a cancel and the survey's close wake the batches with
   * unconfirmed messages (stuck, or in doubt before their deadline), as a resend does: in a sendout
   * that sends nothing again (cancelled, or its survey closed) the unconfirmed messages support
   * staff acknowledged are waited for no more ({@code DeliveryTally#unconfirmedFinal}), whichever
   * came first, and the batches settle and the sendout completes, where they kept listening for
   * receipts for good and no action could end them. Asked only by one of the three while such a
   * batch awaits its receipts.
   */
  static final String WAKE_UNCONFIRMED_BATCHES = "wake-unconfirmed-batches";

  /**
   * From version 1 messages added to a SENT sendout (recipients, or a reminder wave) that all wait
   * for their delivery window make it SENDING, in the store too, as the README says of messages
   * waiting for their window: it showed SENT with messages QUEUED until tomorrow, and a pause was
   * refused ("Nothing is left to send"). Asked only then.
   */
  static final String WAITING_FOR_A_WINDOW_IS_SENDING = "waiting-for-a-window-is-sending";

  /**
   * From version 1 a run the watchdog started again for a sendout with delivery windows, whose
   * release found every window closed after an earlier run had released messages, shows SENDING, as
   * the store and the API do: it showed SCHEDULED in the Web UI. Asked only then: a worker of an
   * earlier build may have completed the task that took such an answer, without a command.
   */
  static final String RESTARTED_RUN_IS_SENDING = "restarted-run-is-sending";

  /**
   * From version 1 a cancel of the reminders while messages wait for their window asks the store
   * again when the next window opens: the messages waiting may have been the wave it cancelled, and
   * the sendout stayed SENT, with nothing left to send, until that window, up to a day later. Asked
   * only then.
   */
  static final String RECHECK_WINDOWS_AFTER_CANCELLED_REMINDERS =
      "recheck-windows-after-cancelled-reminders";

  /**
   * From version 1 support actions (pause, resume, cancel, resend, acknowledge and the reminders')
   * run one at a time, each checked again against the sendout's state once the one before it has
   * been written: their handlers ran side by side, so a pause and a resume sent together reached
   * the store in another order than the workflow took them, and a sendout could be paused in the
   * store (nothing sent, nothing flagged) while its workflow was not, or the other way round. Asked
   * by each action, so runs that took actions before it replay as they ran.
   */
  static final String ONE_ACTION_AT_A_TIME = "one-support-action-at-a-time";

  /**
   * Support actions a run takes before it takes only a cancel and an acknowledgement ({@link
   * #checkRoomForActions}): Temporal refuses any Update past 2,000 in one run, which leaves room
   * for those two.
   */
  static final int MAX_ACTIONS_PER_RUN = 1_800;

  private final SendoutActivities store =
      Workflow.newActivityStub(SendoutActivities.class, StoreCalls.OPTIONS);

  /** Held by a support action from its check to its store write ({@link #ONE_ACTION_AT_A_TIME}). */
  private final WorkflowLock actionLock = Workflow.newWorkflowLock();

  /** The short store calls' stub ({@link StoreCalls#shortCalls}), chosen first thing in a run. */
  private SendoutActivities shortStore;

  private final StartSendout start;
  private final BatchPlan plan;
  private final BatchLedger ledger;
  private final StuckFlag stuck;
  private final ProgressReport report;
  private final BatchStarter batches;
  private final Release release;
  private SendoutStatus status = SendoutStatus.SCHEDULED;
  private boolean paused;
  private boolean cancelling;
  private boolean cancelPending; // a cancel is being written to the store (version 1 on)
  private boolean finishing; // once set, no support action is accepted any more

  /** Completions of this run that found known ranges QUEUED and released them again. */
  private int requeuesAtCompletion;

  /** How often a run releases known ranges again at its completion ({@link #complete}). */
  static final int MAX_REQUEUES_AT_COMPLETION = 3;

  /** The first and the longest wait for an earlier run's batches ({@link #awaitEarlierBatches}). */
  static final Duration IN_FLIGHT_FIRST_WAIT = Duration.ofSeconds(5);

  static final Duration IN_FLIGHT_LONGEST_WAIT = Duration.ofMinutes(10);

  /**
   * When the send loop asks the store again about messages an earlier run's batches had in flight
   * at this run's last completion ({@link #awaitEarlierBatches}); null when it waits for none. And
   * the wait before it, which doubles each time.
   */
  private Instant askAgainAt;

  private Duration inFlightWait;

  /**
   * How many unsent messages the last completion answered: planning them again counts against
   * {@link #MAX_REQUEUES_AT_COMPLETION} only when they did not shrink since.
   */
  private int unsentBefore = Integer.MAX_VALUE;

  private int changes; // bumped by every report and action: the main loop waits for a change
  private int actionsThisRun; // support actions this run has taken: see checkRoomForActions

  /** Decided first thing in {@link #run}, never in a handler ({@code ONLY_CHANGES}). */
  private boolean onlyChanges;

  /** Decided first thing in {@link #run} ({@link #SEES_CHANGES_DURING_CALLS}). */
  private boolean seesChangesDuringCalls;

  /** Decided first thing in {@link #run} ({@link #ROUNDS_IN_TASK}). */
  private boolean roundsInTask;

  /** Decided first thing in {@link #run} ({@link #LEAN_ROUNDS}). */
  private boolean leanRounds;

  /**
   * Whether the last round's release left the sendout SENT in the store ({@link #LEAN_ROUNDS}):
   * then {@link #markSent} has nothing to write, and a round still sending at rest is recorded
   * SENDING ({@link #awaitChange}).
   */
  private boolean roundKeptSent;

  /** Released with every window closed: SCHEDULED until one opens. */
  private boolean scheduledUntilAWindowOpens;

  /**
   * An earlier run, before the watchdog started the sendout again, had released messages of it (the
   * first release's answer, or the checkpoint's): while every window is closed the sendout is
   * SENDING, not SCHEDULED ({@link #RESTARTED_RUN_IS_SENDING}).
   */
  private boolean releasedBefore;

  /**
   * Decided first thing in {@link #run}: the sendout releases within windows ({@link
   * #QUIET_HOURS}).
   */
  private boolean quietHours;

  /**
   * When the delivery window next opens for messages still waiting for it; null when none waits.
   */
  private Instant windowOpensAt;

  /** How many watchdogFindings signals came: what wakes the wait for the send time. */
  private int findingsSignals;

  /** Reminders were cancelled while messages waited for a window: they may have been the wave. */
  private boolean windowsToRecheck;

  /**
   * Where the reminders and the closing date stand; null for a sendout that has neither (and for
   * one started before version 1 of {@link #REMINDERS}).
   */
  private ReminderSchedule reminders;

  /**
   * Restores a continued run's state before anything else runs. The SDK delivers the signals that
   * are already waiting for a new run before it calls {@link #run}, so a batch's report that
   * arrived while the sendout was continuing as new must find the checkpoint already in place, not
   * be overwritten by it.
   */
  @WorkflowInit
  public SendoutWorkflowImpl(StartSendout start) {
    this.start = start;
    SendoutCheckpoint checkpoint = start.checkpoint();
    int batchSize = start.settings().batchSize();
    if (checkpoint == null) {
      plan = new BatchPlan(start.sendoutId(), batchSize);
      ledger = new BatchLedger();
      stuck = new StuckFlag(StuckFlag.State.NONE, false);
      // A run the watchdog started again for a sendout the store has paused or cancelled.
      paused = start.paused();
      cancelling = start.cancelled();
    } else {
      SupportState support = checkpoint.support();
      plan =
          BatchPlan.restore(
              start.sendoutId(), batchSize, checkpoint.messageCount(), support, start.quietHours());
      windowOpensAt = checkpoint.windowOpensAt();
      reminders = checkpoint.reminders();
      ledger = BatchLedger.restore(checkpoint);
      paused = support.paused();
      // A closed survey cut its plan as a cancel does, but it was not cancelled.
      cancelling = plan.cancelled() && (reminders == null || !reminders.closed());
      stuck = new StuckFlag(support.stuck(), ledger.anyStuck());
    }
    report = new ProgressReport(start, plan, ledger, stuck);
    batches =
        new BatchStarter(
            start,
            () -> changes++,
            this::batchProgress,
            this::batchChecked,
            this::cancelsTimers,
            () -> roundsInTask,
            () -> leanRounds);
    release =
        new Release(
            store, start, stuck, () -> changes, this::describeProgress, this::cancelsTimers);
  }

  @Override
  public SendTally run(StartSendout start) {
    Changes.decide();
    onlyChanges = SendoutSearchAttributes.onlyChanges();
    shortStore = StoreCalls.shortCalls(SendoutActivities.class);
    seesChangesDuringCalls = Changes.has(SEES_CHANGES_DURING_CALLS);
    roundsInTask = Workflow.getVersion(ROUNDS_IN_TASK, Workflow.DEFAULT_VERSION, 1) == 1;
    leanRounds = roundsInTask && Workflow.getVersion(LEAN_ROUNDS, Workflow.DEFAULT_VERSION, 1) == 1;
    if (Changes.has(SendoutSearchAttributes.STUCK_REASONS_VERSION)) {
      stuck.listAllReasons();
    }
    quietHours = start.quietHours() && Changes.has(QUIET_HOURS);
    boolean continued = start.checkpoint() != null;
    if (start.remindsOrCloses() && Changes.has(REMINDERS)) {
      if (reminders == null) {
        reminders = ReminderSchedule.NONE;
      }
    } else {
      reminders = null;
    }
    if (!continued) {
      // Present from the start, so that "Stuck = false" finds healthy sendouts too.
      SendoutSearchAttributes.upsert(STUCK, false, onlyChanges);
      awaitSendTime();
      if (quietHours) {
        releasedBefore = releaseFirstInWindows();
      } else {
        plan.released(release.first(start.sendAt()));
      }
      // Not "released N": a cancelled sendout's release releases none (a hostile sweep read the
      // line after a cancel as 70,001 messages released).
      log.info(
          "Sendout {}: first release done, {} messages in it{}",
          start.sendoutId(),
          plan.messageCount(),
          cancelling ? " (cancelled: none goes out)" : "");
      if (start.cancelled()) {
        // Started again for a cancelled sendout: its batches await the receipts of what was sent
        // before the cancel ({@link #START_BATCHES_A_CANCEL_KEPT}); none beyond them starts, and a
        // continued run knows it is cancelled, as after a cancel.
        plan.cancelAt(plan.batchCount());
      }
    } else {
      // Set again on the new run rather than trusting it to inherit the flag.
      stuck.publish(true);
      start.checkpoint().awaitingInline().forEach(batches::resumeInline);
    }
    if (cancelling) {
      setStatus(SendoutStatus.CANCELLED);
    } else if (quietHours
        && plan.batchCount() == 0
        && windowOpensAt != null
        && Workflow.getVersion(SCHEDULED_UNTIL_A_WINDOW_OPENS, Workflow.DEFAULT_VERSION, 1) == 1) {
      // Every window was closed: nothing released, SCHEDULED until one opens, as the API says.
      scheduledUntilAWindowOpens = true;
      if (continued) {
        releasedBefore = Boolean.TRUE.equals(start.checkpoint().releasedBefore());
      }
      if (releasedBefore
          && Workflow.getVersion(RESTARTED_RUN_IS_SENDING, Workflow.DEFAULT_VERSION, 1) == 1) {
        setStatus(SendoutStatus.SENDING);
      } else if (continued) {
        setStatus(SendoutStatus.SCHEDULED);
      } else {
        describeProgress();
      }
    } else {
      boolean allSent = continued && ledger.sent() == plan.batchCount();
      setStatus(allSent ? SendoutStatus.SENT : SendoutStatus.SENDING);
    }
    do {
      sendAndSettle();
      finishing = true;
    } while (!complete());
    if (!stuck.state().watchdog().isEmpty() && Changes.has(DROP_FINDINGS_AT_END)) {
      stuck.watchdog(List.of());
      stuck.publish(false);
    }
    setStatus(cancelling ? SendoutStatus.CANCELLED : SendoutStatus.COMPLETED);
    return ledger.tally();
  }

  /**
   * Asks the store to complete the sendout. Recipients added as the run finished are still QUEUED
   * then (their hand-off came after the last round, or while {@link #finishing}, when {@link
   * #recipientsAdded} no longer takes one): the store answers their ranges instead of completing,
   * and the run plans them and sends them first. An addition committed later finds the sendout
   * completed and is refused. Ranges it knows already but finds QUEUED are released again, as the
   * watchdog's hand-over would (at most {@link #MAX_REQUEUES_AT_COMPLETION} times a run, after
   * which the sendout completes and leaves them to the watchdog): completing regardless took a
   * second call, and an addition committed between the two was left in a COMPLETED sendout.
   *
   * <p>Messages RELEASED that no provider call took are answered too, and sent by batches of this
   * run, as often (no batch of the run will take them: the run that released them stopped, and the
   * watchdog started this one, which plans only what it releases itself when the sendout has
   * delivery windows). And while messages are in flight though every batch of the run has settled
   * (a batch of that stopped run has them), the run waits for them ({@link #awaitEarlierBatches})
   * rather than complete before their receipts. Returns false when it took ranges to send or
   * waited. A history recorded before the store answered has null here, or no unsent ranges.
   */
  private boolean complete() {
    String id = start.sendoutId();
    if (!cancelling) {
      Completion completion =
          shortStore.markCompleted(new MarkCompleted(id, ledger.receipts(), true));
      if (completion == null
          || completion.queued().isEmpty()
              && completion.unsentOrNone().isEmpty()
              && completion.inFlight() == 0) {
        report.completed(completion);
        return true;
      }
      boolean taken = false;
      boolean requeued = false;
      for (SeqRange range : completion.queued()) {
        if (plan.add(range)) {
          taken = true;
        } else if (requeuesAtCompletion < MAX_REQUEUES_AT_COMPLETION) {
          plan.requeue(range);
          taken = requeued = true;
        }
      }
      List<SeqRange> unsent = completion.unsentOrNone();
      int unsentNow = unsent.stream().mapToInt(SeqRange::size).sum();
      boolean shrank = unsentNow < unsentBefore;
      unsentBefore = unsentNow;
      if (!unsent.isEmpty() && (shrank || requeuesAtCompletion < MAX_REQUEUES_AT_COMPLETION)) {
        plan.planUnsent(unsent);
        taken = true;
        requeued |= !shrank;
        if (sentOrScheduledUntilAWindowOpens()) {
          shortStore.markSending(new MarkSending(id));
          setStatus(SendoutStatus.SENDING);
        }
      } else if (!unsent.isEmpty()) {
        log.warn("Sendout {}: completes with messages released and never sent: {}", id, unsent);
      }
      if (taken) {
        requeuesAtCompletion += requeued ? 1 : 0;
        log.info(
            "Sendout {}: messages still to send as it finished are sent first: QUEUED {}, released"
                + " and never sent {}",
            id,
            completion.queued(),
            unsent);
        finishing = false;
        changes++;
        return false;
      }
      if (completion.inFlight() > 0 && awaitEarlierBatches(completion)) {
        finishing = false;
        return false;
      }
    }
    report.completed(shortStore.markCompleted(new MarkCompleted(id, ledger.receipts(), false)));
    return true;
  }

  /**
   * Has the send loop wait a while, longer each time, for messages that a batch of the run before
   * this one is still sending or awaiting receipts for, though every batch of this run has settled:
   * the watchdog started this run after that one stopped, and that run's batches go on. The loop
   * waits as for a reminder wave ({@link #awaitingEarlierBatches}), taking support actions, and
   * then this run asks the store again. Returns false, for the sendout to complete, once the last
   * of them was sent longer ago than the receipt timeout and an hour: a batch that died with them
   * (the watchdog flags what it left).
   */
  private boolean awaitEarlierBatches(Completion completion) {
    Instant sentAt = completion.inFlightSentAt();
    if (sentAt == null
        || now().isAfter(sentAt.plus(start.settings().receiptTimeout()).plusSeconds(3600))) {
      log.warn(
          "Sendout {}: completes with {} messages of an earlier run's batches still in flight",
          start.sendoutId(),
          completion.inFlight());
      return false;
    }
    inFlightWait = inFlightWait == null ? IN_FLIGHT_FIRST_WAIT : inFlightWait.multipliedBy(2);
    if (inFlightWait.compareTo(IN_FLIGHT_LONGEST_WAIT) > 0) {
      inFlightWait = IN_FLIGHT_LONGEST_WAIT;
    }
    askAgainAt = now().plus(inFlightWait);
    log.info(
        "Sendout {}: {} messages of an earlier run's batches in flight; asking again in {}",
        start.sendoutId(),
        completion.inFlight(),
        inFlightWait);
    return true;
  }

  /** Whether the send loop waits for an earlier run's batches ({@link #awaitEarlierBatches}). */
  private boolean awaitingEarlierBatches() {
    return askAgainAt != null && !cancelling && now().isBefore(askAgainAt);
  }

  /**
   * SENT, or released with every window closed ({@link #SCHEDULED_UNTIL_A_WINDOW_OPENS}): what
   * sends again, or for the first time, becomes SENDING. (Before its send time a sendout stays
   * SCHEDULED whatever is planned: the release makes it SENDING.)
   */
  private boolean sentOrScheduledUntilAWindowOpens() {
    return status == SendoutStatus.SENT
        || scheduledUntilAWindowOpens && status == SendoutStatus.SCHEDULED;
  }

  private void awaitSendTime() {
    Duration wait = Duration.between(now(), start.sendAt());
    setStatus(SendoutStatus.SCHEDULED);
    if (wait.isNegative() || wait.isZero()) {
      return;
    }
    if (Workflow.getVersion(FINDINGS_BEFORE_SEND_TIME, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      // A sendout cancelled before its send time need not wait for it.
      Workflow.await(wait, () -> cancelling);
      return;
    }
    // One timer for the whole wait, woken by a cancel and by the watchdog's findings, which show
    // at once, and by additions, which the details count (a support action shows itself; the
    // additions are released with the rest). Details are no command: waking for them changes no
    // history.
    Promise<Void> due = Workflow.newTimer(wait);
    int seen = findingsSignals;
    int described = changes;
    while (!cancelling && !due.isCompleted()) {
      int before = seen;
      int changedBefore = described;
      Workflow.await(
          () ->
              cancelling
                  || due.isCompleted()
                  || findingsSignals != before
                  || changes != changedBefore);
      if (findingsSignals != seen) {
        seen = findingsSignals;
        stuck.publish(false);
      }
      described = changes;
      describeProgress();
    }
  }

  /**
   * The first release of a sendout with a delivery window: the messages whose window is open now
   * are released and planned; the others wait for {@link #windowOpensAt}.
   *
   * @return whether messages of the sendout had been released before, by an earlier run
   */
  private boolean releaseFirstInWindows() {
    Released released = release.inWindows(start.sendAt());
    plan.releasedInWindows(released.messageCount());
    plan.planReleased(released.released());
    windowOpensAt = released.nextWindowOpening();
    return released.releasedBefore();
  }

  /**
   * Releases, once the next window has opened, the messages waiting for it, and plans their
   * batches. A cancelled sendout's waiting messages were cancelled with it: nothing waits any more.
   */
  private void releaseOpenedWindows() {
    if (windowOpensAt == null) {
      return;
    }
    if (cancelling) {
      windowOpensAt = null;
      return;
    }
    boolean recheck =
        windowsToRecheck
            && now().isBefore(windowOpensAt)
            && Workflow.getVersion(
                    RECHECK_WINDOWS_AFTER_CANCELLED_REMINDERS, Workflow.DEFAULT_VERSION, 1)
                == 1;
    windowsToRecheck = false;
    if (!recheck && now().isBefore(windowOpensAt)) {
      return;
    }
    Released released = release.inWindows(recheck ? now() : windowOpensAt);
    windowOpensAt = released.nextWindowOpening();
    log.info(
        "Sendout {}: released {} ranges as their window opened; next opening {}",
        start.sendoutId(),
        released.released().size(),
        windowOpensAt);
    if (plan.planReleased(released.released()) && sentOrScheduledUntilAWindowOpens()) {
      setStatus(SendoutStatus.SENDING);
    }
  }

  /**
   * The send loop: starts batches as the window allows, records the sendout SENT once every batch
   * has sent, and returns once every batch has settled and nothing more was added. Continues as new
   * on the way when the history grows large.
   */
  private void sendAndSettle() {
    while (true) {
      int seen = changes;
      closeWhenDue();
      releaseAdditions();
      releaseOpenedWindows();
      boolean draining = historyIsLarge();
      if (!draining) {
        startBatches();
      }
      if (reminders != null) {
        // Even while draining: a due wave left unsent would wake the loop at once, again and again.
        // What it adds waits in the plan, which the checkpoint carries.
        remind();
      }
      if (ledger.sent() == plan.batchCount()) {
        markSent();
        if (ledger.settledBatches() == plan.batchCount()
            && !plan.hasUnreleased()
            && windowOpensAt == null
            && !remindersPending()
            && !awaitingResponses()
            && !awaitingEarlierBatches()
            && Workflow.isEveryHandlerFinished()) {
          return;
        }
      }
      if (draining || historyIsLarge()) {
        continueAsNewWhenQuiet();
      }
      awaitChange(seesChangesDuringCalls ? seen : changes);
    }
  }

  /**
   * Once the survey has closed, nothing more is sent: the store cancels every message not yet
   * handed to a provider call ("survey closed"), no batch is started after those already started,
   * and no reminder wave comes. What is in flight settles, and the sendout completes.
   */
  private void closeWhenDue() {
    if (reminders == null || reminders.closed() || cancelling || !pastClose()) {
      return;
    }
    int cancelled = store.close(new SendoutActivities.CloseSendout(start.sendoutId()));
    log.info("Sendout {}: the survey closed; {} messages cancelled", start.sendoutId(), cancelled);
    reminders = reminders.close();
    windowOpensAt = null;
    plan.cancelAt(ledger.started());
    publishNextReminder();
    changes++;
    describeProgress();
    wakeBatchesWithUnconfirmed();
  }

  /**
   * Works out the next reminder wave once every batch has sent (their invitations' acceptance times
   * are then in the store), and sends the wave that is due: the store creates its reminder messages
   * as a range of its own, which is released and sent as added recipients are. No wave while
   * paused.
   */
  private void remind() {
    if (start.reminders() == 0 || reminders.stopped() || cancelling) {
      return;
    }
    int sent = ledger.sent();
    Instant due = reminders.nextAt();
    SendoutActivities.ReminderWave wave;
    if (due != null && !now().isBefore(due)) {
      if (paused) {
        return;
      }
      wave =
          store.remind(
              new SendoutActivities.RemindWave(
                  start.sendoutId(), Workflow.randomUUID().toString(), now(), reminders.skipped()));
    } else if (sent == plan.batchCount() && reminders.computedAtSent() != sent) {
      wave =
          store.remind(
              new SendoutActivities.RemindWave(
                  start.sendoutId(), null, now(), reminders.skipped()));
    } else {
      return;
    }
    if (reminders.stopped()) {
      // Cancelled or closed while the store call ran: the wave it made is not sent. Left QUEUED,
      // its messages would be flagged NOT_RELEASED and handed back by the watchdog, and sent.
      if (wave.messages() != null
          && Workflow.getVersion(DROP_STOPPED_WAVE, Workflow.DEFAULT_VERSION, 1) == 1) {
        store.dropWave(new SendoutActivities.DropWave(start.sendoutId(), wave.messages()));
      }
      return;
    }
    reminders = reminders.next(wave.nextAt(), wave.nextIndex(), sent);
    if (wave.messages() != null && plan.add(wave.messages())) {
      log.info("Sendout {}: reminder wave of {} messages", start.sendoutId(), wave.messages());
    }
    publishNextReminder();
    changes++;
    describeProgress();
  }

  /** Whether a reminder wave is still to come (or still to be worked out). */
  private boolean remindersPending() {
    return reminders != null
        && start.reminders() > 0
        && !cancelling
        && reminders.pending(ledger.sent());
  }

  /**
   * Whether the sendout waits for responses to thank: until the survey closes, unless it was
   * cancelled. The thank-yous come as additions do ({@link #recipientsAdded}).
   */
  private boolean awaitingResponses() {
    return start.thanks() && reminders != null && !reminders.closed() && !cancelling;
  }

  private void publishNextReminder() {
    Instant next = reminders.stopped() ? null : reminders.nextAt();
    OffsetDateTime shown =
        Workflow.getTypedSearchAttributes().get(SendoutSearchAttributes.NEXT_REMINDER_AT);
    if (next == null && shown != null) {
      Workflow.upsertTypedSearchAttributes(SendoutSearchAttributes.NEXT_REMINDER_AT.valueUnset());
    } else if (next != null && (shown == null || !shown.toInstant().equals(next))) {
      Workflow.upsertTypedSearchAttributes(
          SendoutSearchAttributes.NEXT_REMINDER_AT.valueSet(next.atOffset(ZoneOffset.UTC)));
    }
  }

  /** Releases the messages added since the last look, and plans batches for them. */
  private void releaseAdditions() {
    if (!plan.hasUnreleased() || cancelling || closed()) {
      return;
    }
    List<SeqRange> ranges = plan.takeUnreleased();
    if (quietHours) {
      // The release answers what it released, added or waiting before; the rest keeps waiting.
      Released released = release.inWindows(now());
      windowOpensAt = released.nextWindowOpening();
      if (plan.planReleased(released.released())) {
        if (sentOrScheduledUntilAWindowOpens()) {
          setStatus(SendoutStatus.SENDING);
        }
      } else if (windowOpensAt != null
          && status == SendoutStatus.SENT
          && Workflow.getVersion(WAITING_FOR_A_WINDOW_IS_SENDING, Workflow.DEFAULT_VERSION, 1)
              == 1) {
        shortStore.markSending(new MarkSending(start.sendoutId()));
        setStatus(SendoutStatus.SENDING);
      }
      return;
    }
    int size = ranges.stream().mapToInt(SeqRange::size).sum();
    boolean inTask = roundsInTask && size <= start.settings().batchSize();
    roundKeptSent =
        release
            .by(
                now(),
                inTask,
                inTask && leanRounds && batches.sendsRoundsInTask(),
                plan.releasing(ranges))
            .keptSent();
    boolean merge = Changes.has(MERGE_ADDED_RANGES);
    if (plan.planAdded(ranges, merge) && status == SendoutStatus.SENT) {
      setStatus(SendoutStatus.SENDING);
    }
  }

  private boolean closed() {
    return reminders != null && reminders.closed();
  }

  private void startBatches() {
    while (!paused
        && ledger.started() < plan.batchCount()
        && ledger.inFlight() < start.settings().maxBatchesInFlight()
        && (!cancelling
            || plan.cancelled()
                && Workflow.getVersion(START_BATCHES_A_CANCEL_KEPT, Workflow.DEFAULT_VERSION, 1)
                    == 1)) {
      int batchNo = ledger.startNext();
      batches.start(plan.batch(batchNo), plan.batchCount(), plan.isLater(batchNo));
    }
  }

  /**
   * Records the sendout SENT (in the store only if the last round's release did not keep it SENT
   * there, {@link #LEAN_ROUNDS}); a sendout about to complete shows COMPLETED next, not SENT first.
   * One with messages waiting for their window keeps SENDING.
   */
  private void markSent() {
    if (status == SendoutStatus.SENDING && windowOpensAt == null) {
      if (!roundKeptSent) {
        shortStore.markSent(new MarkSent(start.sendoutId(), ledger.tally()));
      }
      boolean completing = ledger.settledBatches() == plan.batchCount() && !plan.hasUnreleased();
      if (completing && onlyChanges) {
        status = SendoutStatus.SENT;
      } else {
        setStatus(SendoutStatus.SENT);
      }
    }
  }

  /**
   * Records SENDING in the store where the last round's release kept the sendout SENT there but
   * sending goes on ({@link #LEAN_ROUNDS}): the loop came to rest with the round still sending, or
   * the run continues as new before sending it.
   */
  private void storeSendingIfKeptSent() {
    if (status == SendoutStatus.SENDING && roundKeptSent) {
      shortStore.markSending(new MarkSending(start.sendoutId()));
      roundKeptSent = false;
    }
  }

  /**
   * Waits for a change past {@code seen}; at once if one came since. From version 1 of {@link
   * #ROUNDS_IN_TASK} a batch sending in this workflow task is waited for first, without a timer:
   * its report comes within the task, and a {@code SENDING} that it ends there is never written,
   * neither as the search attribute nor, from version 1 of {@link #LEAN_ROUNDS}, in the store.
   */
  private void awaitChange(int seen) {
    if (roundsInTask) {
      Workflow.await(() -> changes != seen || !batches.sendingInTask());
      if (changes == seen) {
        publishStatus();
        storeSendingIfKeptSent();
      }
    }
    if (!roundsInTask || changes == seen) {
      Instant wakeAt = wakeAt();
      if (wakeAt != null) {
        // A durable timer until the next window opens, reminder wave is due or the survey closes;
        // a signal or an Update wakes the loop sooner, and with additions coming in, cancels it: a
        // round of additions a minute would otherwise leave a timer a minute, all firing at once.
        Duration untilOpen = Duration.between(now(), wakeAt);
        if (untilOpen.isNegative() || untilOpen.isZero()) {
          return;
        }
        TimedWait.await(untilOpen, () -> changes != seen, this::cancelsTimers);
      } else {
        Workflow.await(() -> changes != seen);
      }
    }
    stuck.batchesStuck(ledger.anyStuck());
    stuck.publish(false);
    describeProgress();
  }

  /**
   * The earliest of what the loop waits for with a timer: the next window opening, and, from
   * version 1 of {@link #REMINDERS}, the next reminder wave (not while paused) and the closing date
   * (only while something is still to send or to remind). Null when there is none.
   */
  private Instant wakeAt() {
    Instant at = windowOpensAt != null && !cancelling ? windowOpensAt : null;
    if (awaitingEarlierBatches()) {
      at = earliest(at, askAgainAt);
    }
    if (reminders == null || cancelling || reminders.closed()) {
      return at;
    }
    if (!paused && !reminders.stopped() && reminders.nextAt() != null) {
      at = earliest(at, reminders.nextAt());
    }
    if (start.closesAt() != null) {
      at = earliest(at, start.closesAt());
    }
    return at;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  /**
   * Whether waits that end early cancel their timers ({@link TimedWait}): once recipients have been
   * added, the sendout lives on round after round, and a timer left running wakes it for nothing
   * later. A sendout without additions ends when its batches settle, and drops its timers then.
   */
  private boolean cancelsTimers() {
    return plan.addedMessages() > 0;
  }

  private boolean historyIsLarge() {
    var info = Workflow.getInfo();
    return info.isContinueAsNewSuggested()
        || info.getHistoryLength() >= start.settings().continueAsNewAfterEvents();
  }

  /**
   * Continues as new once every child start of this run is confirmed and the inline batch, if any,
   * has sent: the children themselves carry on, and report to the new run; the inline batch's wait
   * for receipts is carried in the checkpoint.
   */
  private void continueAsNewWhenQuiet() {
    if (batches.quiet()) {
      // Reports that arrived in this same workflow task may not have been handled yet: let them
      // run first, or the checkpoint would miss them and the new run wait for them forever.
      Workflow.await(Workflow::isEveryHandlerFinished);
      // A round released while the history grew large is sent by the new run, which starts
      // believing the store's status: it must read SENDING.
      storeSendingIfKeptSent();
      if (!Workflow.isEveryHandlerFinished()
          && Workflow.getVersion(HANDLERS_DURING_LAST_CALL, Workflow.DEFAULT_VERSION, 1) == 1) {
        Workflow.await(Workflow::isEveryHandlerFinished);
      }
      SupportState support = plan.carried(paused, stuck.state(), ledger.started());
      SendoutCheckpoint checkpoint = ledger.checkpoint(plan.messageCount(), support);
      Workflow.continueAsNew(
          start.continueFrom(
              checkpoint.carrying(
                  batches.inlineResume(), windowOpensAt, reminders, releasedBefore)));
    }
  }

  @Override
  public SendoutProgress progress() {
    return report.query(
        status, paused, reminders == null || reminders.stopped() ? null : reminders.nextAt());
  }

  /** Counts each batch once, whatever reports it sends ({@link BatchLedger#record}). */
  @Override
  public void batchProgress(BatchProgress progress) {
    if (!isWellFormed(progress)) {
      log.warn("Sendout {}: ignoring a batchProgress signal without its fields", start.sendoutId());
      return;
    }
    if (!ledger.record(progress)) {
      log.info("Ignoring a report of batch {}, not started by this run", progress.batchNo());
      return;
    }
    changes++;
  }

  /**
   * An inline batch's receipts between its reports: for the details and the {@code progress} query.
   * It does not wake the send loop, which has nothing to do for it (no command changes).
   */
  private void batchChecked(BatchProgress progress) {
    if (ledger.record(progress)) {
      describeProgress();
    }
  }

  @Override
  public void receiptsArrived() {
    batches.receiptsArrived();
  }

  /**
   * Whether a batch's report has what the ledger reads: a signal sent by hand from the Temporal UI
   * or CLI without them failed every workflow task after it, and the sendout was wedged for good.
   */
  private static boolean isWellFormed(BatchProgress progress) {
    return progress != null
        && progress.batchNo() >= 0
        && progress.phase() != null
        && (progress.phase() == BatchPhase.SENDING
            || (progress.sent() != null
                && progress.receipts() != null
                && progress.receipts().tally() != null));
  }

  @Override
  public void watchdogFindings(WatchdogFindings findings) {
    if (findings == null || findings.findings() == null) {
      log.warn(
          "Sendout {}: ignoring a watchdogFindings signal without findings", start.sendoutId());
      return;
    }
    // A finding without a reason (sent by hand) names nothing to flag.
    stuck.watchdog(
        findings.findings().stream().filter(f -> f != null && f.reason() != null).toList());
    changes++;
    findingsSignals++;
  }

  /**
   * Once the sendout is cancelled or finishing nothing more is released. A cancel cancels in the
   * store every message not yet sent, these included; ranges that arrive while the sendout is
   * finishing stay QUEUED, and its completion finds them there and sends them first ({@link
   * #complete}).
   */
  @Override
  public void recipientsAdded(AddedRanges added) {
    if (added == null || added.ranges() == null) {
      log.warn("Sendout {}: ignoring a recipientsAdded signal without ranges", start.sendoutId());
      return;
    }
    if (finishing || cancelling || closed()) {
      log.info(
          "Sendout {} is finishing: added ranges {} are left to its completion",
          start.sendoutId(),
          added);
      return;
    }
    for (SeqRange range : added.ranges()) {
      if (range == null || !range.fitsASendout()) {
        log.warn("Sendout {}: ignoring an added range that is none: {}", start.sendoutId(), range);
        continue;
      }
      if (plan.add(range)) {
        changes++;
      } else if (added.watchdog()) {
        plan.requeue(range);
        changes++;
      }
    }
  }

  /**
   * Refused: the API stores added recipients and hands them over with {@link #recipientsAdded}.
   * Sent by hand from the Web UI or the CLI, the Update planned any range it was given, messages
   * the store never had, and counted them (105 messages "sent" for 5), with no audit entry. The
   * handler stays for histories that took the Update; a refused one leaves none.
   */
  @Override
  public void validateAddRecipients(AddRecipients added) {
    throw SupportRefusal.invalidInput(
        "Recipients are added with POST /v1/sendouts/{id}/recipients, which stores them before"
            + " the workflow hears of them; this Update takes none");
  }

  @Override
  public int addRecipients(AddRecipients added) {
    if (closed() || !plan.add(added.messages())) {
      return 0;
    }
    changes++;
    return added.messages().size();
  }

  @Override
  public void validatePause(SupportAction action) {
    SupportRules.checkInput(action, false);
    checkRoomForActions();
    rules().checkPause();
  }

  /**
   * Refuses every action but a cancel and an acknowledgement once the run has taken {@link
   * #MAX_ACTIONS_PER_RUN}. Temporal takes at most 2,000 Updates in one workflow run, and this one
   * continues as new only once its sends are quiet: never before its send time, which may be months
   * ahead, nor while a batch waits for its recipients' window. A hostile sweep's 1,000 pauses and
   * resumes left a sendout that no call could cancel (the server refused every Update), its held
   * messages bound to go out when the window opened. Past the limit a sendout can still be stopped
   * and its flags seen to. A validator's refusal is not recorded, nor counted by Temporal.
   */
  private void checkRoomForActions() {
    if (actionsThisRun >= MAX_ACTIONS_PER_RUN) {
      throw SupportRefusal.wrongState(
          ("This sendout's workflow has taken %d actions in its current run, near Temporal's"
                  + " limit of 2,000 Updates a run: until the run continues as new, which it does"
                  + " once its sends are quiet after its send time, it takes only cancel and"
                  + " acknowledge")
              .formatted(actionsThisRun));
    }
  }

  @Override
  public int pause(SupportAction action) {
    return oneAtATime(
        () -> rules().checkPause(),
        () -> {
          paused = true;
          return applyAction(SupportActionType.PAUSE, action, () -> paused = false).messages();
        });
  }

  @Override
  public void validateResume(SupportAction action) {
    SupportRules.checkInput(action, false);
    checkRoomForActions();
    rules().checkResume();
  }

  @Override
  public int resume(SupportAction action) {
    return oneAtATime(
        () -> rules().checkResume(),
        () -> {
          paused = false;
          return applyAction(SupportActionType.RESUME, action, () -> paused = true).messages();
        });
  }

  @Override
  public void validateCancel(SupportAction action) {
    SupportRules.checkInput(action, false);
    rules().checkCancel();
  }

  /**
   * Stops starting batches at once, then cancels in the store every message not yet claimed for a
   * provider call. Batches already sending finish their calls, which find the cancelled messages
   * and skip them; their receipts are still awaited.
   */
  @Override
  public int cancel(SupportAction action) {
    return oneAtATime(() -> rules().checkCancel(), () -> cancelNow(action));
  }

  private int cancelNow(SupportAction action) {
    int cancelled;
    if (!Changes.has(CANCEL_AFTER_STORE_WRITE)) {
      cancelling = true;
      cancelled = applyAction(SupportActionType.CANCEL, action, () -> {}).messages();
    } else {
      // The sendout stops only once the store has the cancel, so that a refused cancel changes
      // nothing: setting cancelling first would wake the send loop before it is known.
      cancelPending = true;
      cancelled =
          applyAction(SupportActionType.CANCEL, action, () -> cancelPending = false).messages();
      cancelPending = false;
      cancelling = true;
    }
    plan.cancelAt(ledger.started());
    paused = false;
    setStatus(SendoutStatus.CANCELLED);
    wakeBatchesWithUnconfirmed();
    if (start.reminders() > 0
        && reminders != null
        && !reminders.stopped()
        && Workflow.getVersion(CANCEL_STOPS_REMINDERS, Workflow.DEFAULT_VERSION, 1) == 1) {
      reminders = reminders.cancel();
      publishNextReminder();
    }
    return cancelled;
  }

  @Override
  public void validateResend(SupportAction action) {
    SupportRules.checkInput(action, false);
    checkRoomForActions();
    rules().checkResend();
  }

  /**
   * Moves the UNCONFIRMED and FAILED messages back to RELEASED in the store and sends them in new
   * batches, each spanning at most one batch of sequence numbers. The batches they were first sent
   * in stop counting them, so no message is counted twice.
   */
  @Override
  public int resend(SupportAction action) {
    return oneAtATime(() -> rules().checkResend(), () -> resendNow(action));
  }

  private int resendNow(SupportAction action) {
    ActionApplied applied = applyAction(SupportActionType.RESEND, action, () -> {});
    if (applied.messages() == 0) {
      throw SupportRefusal.wrongState(SupportRefusal.NOTHING_TO_RESEND);
    }
    roundKeptSent = false; // the store recorded the sendout SENDING again
    // Asked only by a resend, so histories without one replay as they were.
    if (ledger.anyStuck()
        && Workflow.getVersion(WAKE_STUCK_BATCHES_ON_RESEND, Workflow.DEFAULT_VERSION, 1) == 1) {
      batches.wake(ledger.stuckBatches().stream().map(BatchProgress::batchNo).toList());
    }
    List<BatchProgress> inDoubt = ledger.inDoubtBatches();
    if (!inDoubt.isEmpty()
        && Workflow.getVersion(WAKE_IN_DOUBT_BATCHES_ON_RESEND, Workflow.DEFAULT_VERSION, 1) == 1) {
      batches.wake(inDoubt.stream().map(BatchProgress::batchNo).toList());
    }
    plan.planResend(applied.resend());
    if (sentOrScheduledUntilAWindowOpens()) {
      setStatus(SendoutStatus.SENDING);
    }
    return applied.messages();
  }

  @Override
  public void validateAcknowledge(SupportAction action) {
    SupportRules.checkInput(action, true);
    rules().checkAcknowledge();
  }

  @Override
  public int acknowledge(SupportAction action) {
    return oneAtATime(() -> rules().checkAcknowledge(), () -> acknowledgeNow(action));
  }

  private int acknowledgeNow(SupportAction action) {
    StuckFlag.State before = stuck.state();
    // Asked only by an acknowledgement, so histories without one replay as they were.
    stuck.acknowledge(
        action, Workflow.getVersion(ACKNOWLEDGE_EVERY_REASON, Workflow.DEFAULT_VERSION, 1) == 1);
    stuck.publish(false);
    describeProgress();
    int messages =
        applyAction(
                SupportActionType.ACKNOWLEDGE,
                action,
                () -> {
                  // Asked only when the store refuses it, so histories without one replay as they
                  // were.
                  if (Workflow.getVersion(UNDO_REFUSED_ACKNOWLEDGE, Workflow.DEFAULT_VERSION, 1)
                      == 1) {
                    stuck.unacknowledge(before);
                    stuck.publish(false);
                  }
                })
            .messages();
    wakeBatchesWithUnconfirmed();
    return messages;
  }

  /**
   * Tells the batches holding unconfirmed messages (stuck, or in doubt before their deadline) to
   * read their receipts now: an acknowledgement, a cancel or the survey's close may have ended the
   * wait for them ({@link #WAKE_UNCONFIRMED_BATCHES}). Asked only while there are such batches, so
   * histories without one replay as they were.
   */
  private void wakeBatchesWithUnconfirmed() {
    List<Integer> unconfirmed =
        Stream.concat(ledger.stuckBatches().stream(), ledger.inDoubtBatches().stream())
            .map(BatchProgress::batchNo)
            .toList();
    if (!unconfirmed.isEmpty()
        && Workflow.getVersion(WAKE_UNCONFIRMED_BATCHES, Workflow.DEFAULT_VERSION, 1) == 1) {
      batches.wake(unconfirmed);
    }
  }

  @Override
  public void validateSkipNextReminder(SupportAction action) {
    SupportRules.checkInput(action, false);
    checkRoomForActions();
    rules().checkSkipReminder(start.reminders() > 0 ? reminders : null);
  }

  /**
   * Skips the next wave's reminder for everyone still due for it; the next wave is worked out
   * again, without it.
   */
  @Override
  public int skipNextReminder(SupportAction action) {
    return oneAtATime(
        () -> rules().checkSkipReminder(start.reminders() > 0 ? reminders : null),
        () -> skipNextReminderNow(action));
  }

  private int skipNextReminderNow(SupportAction action) {
    ReminderSchedule before = reminders;
    reminders = reminders.skipNext();
    int affected =
        applyAction(SupportActionType.SKIP_REMINDER, action, () -> reminders = before).messages();
    publishNextReminder();
    return affected;
  }

  @Override
  public void validateCancelReminders(SupportAction action) {
    SupportRules.checkInput(action, false);
    checkRoomForActions();
    rules().checkCancelReminders(start.reminders() > 0 ? reminders : null);
  }

  @Override
  public int cancelReminders(SupportAction action) {
    return oneAtATime(
        () -> rules().checkCancelReminders(start.reminders() > 0 ? reminders : null),
        () -> cancelRemindersNow(action));
  }

  private int cancelRemindersNow(SupportAction action) {
    ReminderSchedule before = reminders;
    reminders = reminders.cancel();
    int affected =
        applyAction(SupportActionType.CANCEL_REMINDERS, action, () -> reminders = before)
            .messages();
    windowsToRecheck = windowOpensAt != null;
    publishNextReminder();
    return affected;
  }

  private SupportRules rules() {
    return new SupportRules(
        finishing,
        cancelling || cancelPending,
        status,
        paused,
        stuck.isStuck(),
        remindersPending(),
        // The close's own time as well: the first task of a restarted run has no schedule yet, and
        // the timer that closes the survey fires a moment after it.
        closed() || pastClose());
  }

  /** Whether the survey's close time has come, by the workflow's clock. */
  private boolean pastClose() {
    return start.closesAt() != null && !now().isBefore(start.closesAt());
  }

  /**
   * Runs a support action once the one before it has been written to the store, checked again
   * ({@code recheck}, its validator's rules) against the state that one left ({@link
   * #ONE_ACTION_AT_A_TIME}). A pause that arrives while another pause is being written is so
   * refused as the second would have been.
   */
  private int oneAtATime(Runnable recheck, IntSupplier action) {
    actionsThisRun++;
    if (Workflow.getVersion(ONE_ACTION_AT_A_TIME, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return action.getAsInt();
    }
    actionLock.lock();
    try {
      recheck.run();
      return action.getAsInt();
    } finally {
      actionLock.unlock();
    }
  }

  /**
   * Records the action in the store (idempotently, by the Update's id) and wakes the loop. When the
   * store refuses the action's data, which no retry can fix, the action is refused: {@code undo}
   * restores what the handler changed before the call, and the Update fails with the reason.
   */
  private ActionApplied applyAction(SupportActionType type, SupportAction action, Runnable undo) {
    String actionId =
        Workflow.getCurrentUpdateInfo()
            .map(info -> info.getUpdateId())
            .orElseGet(() -> Workflow.randomUUID().toString());
    ActionApplied applied;
    try {
      applied =
          store.applyAction(
              new ApplyAction(
                  start.sendoutId(), actionId, type, action, start.settings().batchSize()));
    } catch (ActivityFailure failure) {
      undo.run();
      String why =
          failure.getCause() instanceof ApplicationFailure cause
              ? cause.getOriginalMessage()
              : String.valueOf(failure.getCause());
      log.warn("{} on sendout {} refused by the store: {}", type, start.sendoutId(), why);
      describeProgress();
      throw SupportRefusal.storeRefused(type, why);
    }
    log.info(
        "{} on sendout {} by {}: {} messages",
        type,
        start.sendoutId(),
        SupportRules.forTheLog(action.by()),
        applied.messages());
    changes++;
    describeProgress();
    return applied;
  }

  /**
   * Records the sendout's status and writes it to its search attributes, except {@code SENDING}
   * from version 1 of {@link #ROUNDS_IN_TASK}: that is written once the send loop comes to rest
   * still sending ({@link #awaitChange}), or by the next status written.
   */
  private void setStatus(SendoutStatus next) {
    status = next;
    if (!roundsInTask || next != SendoutStatus.SENDING) {
      publishStatus();
    }
    describeProgress();
  }

  private void publishStatus() {
    SendoutSearchAttributes.upsert(SENDOUT_STATUS, status.name(), onlyChanges);
  }

  private void describeProgress() {
    String details = report.details(status, paused);
    // Each line below is a sentence of its own after the report's.
    details += details.endsWith(".") ? "" : ".";
    if (windowOpensAt != null && !cancelling) {
      details +=
          " Messages wait for their delivery window, which next opens at %s."
              .formatted(windowOpensAt);
    }
    if (reminders != null) {
      if (reminders.closed()) {
        details += " The survey closed at %s.".formatted(start.closesAt());
      } else if (reminders.cancelled()) {
        details += " Reminders cancelled.";
      } else if (reminders.nextAt() != null) {
        details +=
            " Next reminder wave (reminder %d) at %s%s."
                .formatted(
                    reminders.nextIndex() + 1,
                    reminders.nextAt(),
                    paused ? ", held while paused" : "");
      }
    }
    Workflow.setCurrentDetails(details);
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
