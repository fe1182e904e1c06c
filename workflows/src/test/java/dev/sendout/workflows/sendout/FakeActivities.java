package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;

import dev.sendout.workflows.StoreCalls;
import dev.sendout.workflows.batch.DeliveryActivities;
import dev.sendout.workflows.batch.DeliveryFailure;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.receipt.DeliveryTally;
import dev.sendout.workflows.receipt.ReceiptActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

/** In-memory stand-ins for the store and the provider, recording what the workflows asked. */
final class FakeActivities {

  static final class Store implements SendoutActivities {
    private final LongSupplier workflowClock;
    volatile int messageCount;
    volatile Instant releasedAt;

    /** While set, the release fails as an activity whose database is gone would. */
    volatile boolean releaseFails;

    /** Releases still to fail, once each (a local attempt that the Release activity retries). */
    final AtomicInteger releasesToFail = new AtomicInteger();

    final List<ApplyAction> actions = new CopyOnWriteArrayList<>();

    /** An action whose store write takes a second, so that another can come meanwhile. */
    volatile SupportActionType slowAction;

    /** What a resend finds to send again. */
    volatile List<SeqRange> resendable = List.of();

    final AtomicInteger releases = new AtomicInteger();

    /** What each release outside delivery windows was to release: null for every QUEUED message. */
    final List<List<SeqRange>> releasedOnly = new CopyOnWriteArrayList<>();

    /** How a release within delivery windows answers; set by tests of quiet hours. */
    volatile Function<ReleaseSendout, Released> inWindows;

    volatile SendTally sentTally;

    /** Whether the sendout reads SENT, as the store's status column would. */
    volatile boolean recordedSent;

    final AtomicInteger markSents = new AtomicInteger();
    final AtomicInteger markSendings = new AtomicInteger();
    volatile DeliveryTally completedTally;

    /** The reminders' {@code after}, by index; set by tests of reminders. */
    volatile List<Duration> reminderAfters = List.of();

    /**
     * Where the reminder waves see acceptance times and responses, and what sends a one-batch email
     * sendout in its workflow task; without one, that send fails and the delivery activity sends.
     */
    volatile Provider provider;

    /** Recipients (invitations' sequence numbers) that responded. */
    final Set<Integer> responded = ConcurrentHashMap.newKeySet();

    /** Each reminder message's invitation and reminder index, by the reminder's sequence number. */
    final Map<Integer, int[]> reminderOf = new ConcurrentHashMap<>();

    /** Each wave created, by its id, as it answered. */
    final Map<String, ReminderWave> waves = new ConcurrentHashMap<>();

    /** Called with each wave's range right after the wave is created, before it is released. */
    volatile java.util.function.Consumer<SeqRange> onWave = range -> {};

    final List<Instant> closes = new CopyOnWriteArrayList<>();
    private int nextSeq = -1;

    Store(LongSupplier workflowClock, int messageCount) {
      this.workflowClock = workflowClock;
      this.messageCount = messageCount;
    }

    @Override
    public Released release(ReleaseSendout input) {
      releases.incrementAndGet();
      if (releaseFails || releasesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("release failed (test)");
      }
      releasedAt = Instant.ofEpochMilli(workflowClock.getAsLong());
      if (input.releaseId() != null) {
        return inWindows.apply(input);
      }
      releasedOnly.add(input.only());
      boolean keptSent = input.keepSent() && recordedSent;
      recordedSent = keptSent;
      return new Released(messageCount, keptSent);
    }

    @Override
    public void markSent(MarkSent input) {
      sentTally = input.tally();
      recordedSent = true;
      markSents.incrementAndGet();
    }

    @Override
    public void markSending(MarkSending input) {
      recordedSent = false;
      markSendings.incrementAndGet();
    }

    /**
     * What the next completions asked to answer QUEUED messages find, in turn, until none is left:
     * the ranges of recipients added as the run finished.
     */
    final List<List<SeqRange>> queuedAtCompletion = new CopyOnWriteArrayList<>();

    /**
     * Likewise, what the next completions find RELEASED that no batch took: messages a run that
     * stopped released.
     */
    final List<List<SeqRange>> unsentAtCompletion = new CopyOnWriteArrayList<>();

    /** Likewise, how many messages an earlier run's batches have in flight. */
    final List<Integer> inFlightAtCompletion = new CopyOnWriteArrayList<>();

    /** When the last of those in flight was sent, as the store answers it; null by default. */
    volatile Instant inFlightSentAt;

    final List<MarkCompleted> completions = new CopyOnWriteArrayList<>();

    /** When each completion was asked for, by the test server's clock, in milliseconds. */
    final List<Long> completionTimes = new CopyOnWriteArrayList<>();

    /**
     * What a completion answers of the whole sendout's messages; null (by default) for a store that
     * counts none, as an activity did before it answered: the run's own counts stay.
     */
    volatile DeliveryTally wholeSendout;

    @Override
    public Completion markCompleted(MarkCompleted input) {
      completions.add(input);
      completionTimes.add(workflowClock.getAsLong());
      if (input.queuedFirst()
          && !(queuedAtCompletion.isEmpty()
              && unsentAtCompletion.isEmpty()
              && inFlightAtCompletion.isEmpty())) {
        return Completion.notYet(
            next(queuedAtCompletion),
            next(unsentAtCompletion),
            inFlightAtCompletion.isEmpty() ? 0 : inFlightAtCompletion.remove(0),
            inFlightSentAt);
      }
      completedTally = input.tally();
      return wholeSendout == null ? null : Completion.done(wholeSendout, wholeSendout.total());
    }

    private static List<SeqRange> next(List<List<SeqRange>> answers) {
      return answers.isEmpty() ? List.of() : answers.remove(0);
    }

    /** The store's wave, in memory: see {@code ReminderWaves} in core for the real statement. */
    @Override
    public synchronized ReminderWave remind(RemindWave input) {
      if (input.waveId() != null && waves.containsKey(input.waveId())) {
        return waves.get(input.waveId());
      }
      SeqRange range = null;
      if (input.waveId() != null) {
        Instant horizon = input.dueAt().plus(Duration.ofHours(1));
        if (nextSeq < 0) {
          nextSeq = messageCount;
        }
        int from = nextSeq;
        for (int seq : invitations()) {
          int due = -1;
          for (int k = 0; k < reminderAfters.size(); k++) {
            Instant at = dueAt(seq, k, input.skipped());
            if (at != null && !at.isAfter(horizon)) {
              due = k;
            }
          }
          if (due >= 0) {
            reminderOf.put(nextSeq++, new int[] {seq, due});
          }
        }
        range = nextSeq > from ? new SeqRange(from, nextSeq) : null;
      }
      Instant next = null;
      int nextIndex = -1;
      for (int seq : invitations()) {
        for (int k = 0; k < reminderAfters.size(); k++) {
          Instant at = dueAt(seq, k, input.skipped());
          if (at != null && (next == null || at.isBefore(next))) {
            next = at;
            nextIndex = k;
          }
        }
      }
      ReminderWave wave = new ReminderWave(range, next, nextIndex);
      if (input.waveId() != null) {
        waves.put(input.waveId(), wave);
        if (range != null) {
          onWave.accept(range);
        }
      }
      return wave;
    }

    /** The invitations accepted so far, in order. */
    private List<Integer> invitations() {
      return provider.acceptedAt.keySet().stream()
          .filter(seq -> !reminderOf.containsKey(seq))
          .sorted()
          .toList();
    }

    /** When the invitation is due for reminder {@code k}; null when it is not (any more). */
    private Instant dueAt(int seq, int k, int skipped) {
      if (responded.contains(seq) || (skipped & (1 << k)) != 0) {
        return null;
      }
      boolean later = reminderOf.values().stream().anyMatch(r -> r[0] == seq && r[1] >= k);
      return later ? null : provider.acceptedAt.get(seq).plus(reminderAfters.get(k));
    }

    /** The reminders each invitation got, in order of index. */
    Map<Integer, List<Integer>> remindersByInvitation() {
      Map<Integer, List<Integer>> by = new java.util.TreeMap<>();
      reminderOf.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  by.computeIfAbsent(e.getValue()[0], k -> new ArrayList<>()).add(e.getValue()[1]));
      return by;
    }

    @Override
    public SendTally sendEmailBatch(SendBatch call) {
      if (provider == null) {
        throw ApplicationFailure.newFailure(
            "no provider in this test's store", DeliveryFailure.PROVIDER_UNAVAILABLE.name());
      }
      return provider.sendBatch(call);
    }

    @Override
    public int close(CloseSendout input) {
      closes.add(Instant.ofEpochMilli(workflowClock.getAsLong()));
      return 0;
    }

    /**
     * Support staff cancel the sendout's reminders while the store call that makes its first wave
     * runs: sent from inside that call, as an Update the workflow takes while it waits for it.
     */
    void cancelRemindersDuringTheFirstWave(WorkflowClient client, StartSendout start) {
      onWave =
          range -> {
            onWave = r -> {};
            client
                .newWorkflowStub(
                    SendoutWorkflow.class, SendoutWorkflow.workflowId(start.sendoutId()))
                .cancelReminders(new SupportAction("ann", "enough"));
          };
    }

    /** The waves the workflow dropped, made while its reminders stopped. */
    final List<SeqRange> dropped = new CopyOnWriteArrayList<>();

    @Override
    public int dropWave(DropWave input) {
      dropped.add(input.messages());
      return input.messages().size();
    }

    @Override
    public ActionApplied applyAction(ApplyAction input) {
      if (input.type() == slowAction) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      String note = input.action().note();
      if (note != null && note.indexOf('\u0000') >= 0) {
        // As the real store activity answers a note that Postgres cannot hold.
        throw ApplicationFailure.newNonRetryableFailure(
            "invalid byte sequence for encoding \"UTF8\": 0x00", StoreCalls.DATA_REFUSED);
      }
      actions.add(input);
      if (input.type() == SupportActionType.RESEND) {
        List<SeqRange> ranges = resendable;
        recordedSent &= ranges.isEmpty();
        return new ActionApplied(ranges.stream().mapToInt(SeqRange::size).sum(), ranges);
      }
      return new ActionApplied(0, List.of());
    }
  }

  /**
   * The provider and the receipts in the store: every message the delivery sends is accepted, and
   * then delivered at once unless the test made its recipient silent.
   */
  static final class Provider implements DeliveryActivities, ReceiptActivities {
    final List<SendBatch> batches = new CopyOnWriteArrayList<>();
    final Map<Integer, MessageStatus> messages = new ConcurrentHashMap<>();
    final Set<Integer> silent = ConcurrentHashMap.newKeySet();

    /**
     * Unconfirmed messages nothing waits for any more, by sequence number: as the store counts
     * those of a recipient who responded, or acknowledged in a sendout that sends nothing again.
     */
    final Set<Integer> nothingWaitsFor = ConcurrentHashMap.newKeySet();

    /**
     * Messages whose next send breaks off mid-call, once each: UNCONFIRMED, in doubt, as a worker
     * killed mid-call leaves them.
     */
    final Set<Integer> inDoubt = ConcurrentHashMap.newKeySet();

    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();

    /** The workflow clock, set by tests that need acceptance times (reminders). */
    volatile LongSupplier clock = () -> 0L;

    /** When each message was first accepted, by sequence number. */
    final Map<Integer, Instant> acceptedAt = new ConcurrentHashMap<>();

    /** When each batch was sent, by its first sequence number. */
    final Map<Integer, Instant> sentAt = new ConcurrentHashMap<>();

    /**
     * Receipt checks still to fail for good, as the SDK reports a local activity that it gave up
     * on: a database connection not available in time, in a workflow task that timed out.
     */
    final AtomicInteger checksToFail = new AtomicInteger();

    /** Calls of {@code checkEach}, and the batches they looked at. */
    final AtomicInteger checkEachCalls = new AtomicInteger();

    final AtomicInteger checkedInEach = new AtomicInteger();

    /** Delivery calls still to fail, as a provider answering 5xx makes them (retryable). */
    final AtomicInteger sendsToFail = new AtomicInteger();

    @Override
    public SendTally sendBatch(SendBatch batch) {
      if (sendsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw ApplicationFailure.newFailure(
            "provider unavailable (test)", DeliveryFailure.PROVIDER_UNAVAILABLE.name());
      }
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.decrementAndGet();
      }
      batches.add(batch);
      Instant at = Instant.ofEpochMilli(clock.getAsLong());
      sentAt.putIfAbsent(batch.fromSeq(), at);
      int unconfirmed = 0;
      for (int seq = batch.fromSeq(); seq < batch.toSeq(); seq++) {
        if (inDoubt.remove(seq)) {
          messages.put(seq, UNCONFIRMED);
          unconfirmed++;
          continue;
        }
        acceptedAt.putIfAbsent(seq, at);
        messages.put(seq, silent.contains(seq) ? ACCEPTED : DELIVERED);
      }
      return new SendTally(batch.toSeq() - batch.fromSeq() - unconfirmed, 0, unconfirmed);
    }

    /** A late receipt: the silent message is delivered after all. */
    void deliver(int seq) {
      messages.computeIfPresent(
          seq, (k, status) -> status.canMoveTo(DELIVERED) ? DELIVERED : status);
    }

    @Override
    public BatchReceipts checkReceipts(SendBatch batch) {
      if (checksToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw ApplicationFailure.newNonRetryableFailure(
            "HikariPool-1 - Connection is not available, request timed out after 5000ms",
            "CannotGetJdbcConnectionException");
      }
      int awaiting = 0;
      int delivered = 0;
      List<String> unconfirmed = new ArrayList<>();
      int unconfirmedFinal = 0;
      for (int seq = batch.fromSeq(); seq < batch.toSeq(); seq++) {
        switch (messages.get(seq)) {
          case ACCEPTED -> awaiting++;
          case DELIVERED -> delivered++;
          case UNCONFIRMED -> {
            unconfirmed.add("m" + seq);
            unconfirmedFinal += nothingWaitsFor.contains(seq) ? 1 : 0;
          }
          default -> throw new IllegalStateException();
        }
      }
      return new BatchReceipts(
          new DeliveryTally(awaiting, delivered, 0, 0, 0, unconfirmed.size(), unconfirmedFinal),
          unconfirmed.isEmpty() ? null : Instant.EPOCH,
          unconfirmed);
    }

    @Override
    public List<BatchReceipts> checkEach(List<SendBatch> batches) {
      checkEachCalls.incrementAndGet();
      checkedInEach.addAndGet(batches.size());
      return batches.stream().map(this::checkReceipts).toList();
    }

    @Override
    public BatchReceipts expireReceipts(ExpireReceipts input) {
      SendBatch batch = input.batch();
      for (int seq = batch.fromSeq(); seq < batch.toSeq(); seq++) {
        messages.computeIfPresent(seq, (k, status) -> status == ACCEPTED ? UNCONFIRMED : status);
      }
      return checkReceipts(batch);
    }
  }

  private FakeActivities() {}
}
