package dev.sendout.workflows.sendout;

import dev.sendout.workflows.batch.BatchPhase;
import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.receipt.DeliveryTally;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the sendout knows of its batches from their reports: how many were started, sent and
 * settled, the send outcomes, and the receipts. The batches report by signal (sent, stuck, settled)
 * because they outlive the run that started them; the ledger counts each batch once whatever
 * reports it sends, so a repeated report, or one asked for again after a restart, changes nothing.
 *
 * <p>Settled batches are summed and forgotten; only the latest report of each unsettled batch is
 * kept, so the state carried across a continue-as-new stays bounded by the batches in the air.
 */
final class BatchLedger {

  private int started;
  private int sent;
  private int settledBatches;
  private SendTally tally = SendTally.NONE;
  private DeliveryTally settled = DeliveryTally.NONE;
  private final Map<Integer, BatchProgress> unsettled = new TreeMap<>();

  /** The ledger of a sendout that has started no batch yet. */
  BatchLedger() {}

  /** The ledger a continued run carries on with. */
  static BatchLedger restore(SendoutCheckpoint checkpoint) {
    BatchLedger ledger = new BatchLedger();
    ledger.started = checkpoint.nextBatch();
    ledger.sent = checkpoint.reported();
    ledger.settledBatches = checkpoint.settledBatches();
    ledger.tally = checkpoint.tally();
    ledger.settled = checkpoint.settled();
    ledger.unsettled.putAll(checkpoint.unsettled());
    return ledger;
  }

  /** Batches started so far; the next one to start has this number. */
  int started() {
    return started;
  }

  /** Counts the next batch as started and returns its number. */
  int startNext() {
    return started++;
  }

  /** Batches that have handed all their messages to the provider. */
  int sent() {
    return sent;
  }

  /** Batches started and not yet sent: those that hold a place in the sending window. */
  int inFlight() {
    return started - sent;
  }

  int settledBatches() {
    return settledBatches;
  }

  /** The provider's answers to the sends of the batches that reported being sent. */
  SendTally tally() {
    return tally;
  }

  /**
   * Takes in a batch's report. Returns false, changing nothing, for a batch this run has not
   * started: a run the watchdog restarted may hear from batches its previous run left running, and
   * asks them to report again once it starts them itself.
   */
  boolean record(BatchProgress progress) {
    int batchNo = progress.batchNo();
    if (batchNo >= started) {
      return false;
    }
    boolean counted = unsettled.containsKey(batchNo);
    switch (progress.phase()) {
      case SENDING -> {}
      case AWAITING_RECEIPTS, STUCK -> {
        if (!counted) {
          countSent(progress);
        }
        unsettled.put(batchNo, progress);
      }
      case SETTLED -> {
        if (unsettled.remove(batchNo) == null) {
          countSent(progress);
        }
        settledBatches++;
        settled = settled.plus(progress.receipts().tally());
      }
    }
    return true;
  }

  private void countSent(BatchProgress progress) {
    sent++;
    tally = tally.plus(progress.sent());
  }

  /** Where the receipts have taken the messages of every batch that reported being sent. */
  DeliveryTally receipts() {
    DeliveryTally sum = settled;
    for (BatchProgress batch : unsettled.values()) {
      sum = sum.plus(batch.receipts().tally());
    }
    return sum;
  }

  /** The batches past their receipt deadline with messages still unconfirmed. */
  List<BatchProgress> stuckBatches() {
    return unsettled.values().stream().filter(b -> b.phase() == BatchPhase.STUCK).toList();
  }

  boolean anyStuck() {
    return !stuckBatches().isEmpty();
  }

  /**
   * The batches awaiting their receipts, before their deadline, whose send left messages
   * UNCONFIRMED: in doubt, the call broke off (a worker killed mid-call) and a resend may take
   * them.
   */
  List<BatchProgress> inDoubtBatches() {
    return unsettled.values().stream()
        .filter(b -> b.phase() == BatchPhase.AWAITING_RECEIPTS && b.sent().unconfirmed() > 0)
        .toList();
  }

  int stuckMessages() {
    return stuckBatches().stream().mapToInt(b -> b.receipts().tally().unconfirmedOpen()).sum();
  }

  /** When the oldest unconfirmed message of a stuck batch became unconfirmed; null for none. */
  Instant stuckSince() {
    return stuckBatches().stream()
        .map(b -> b.receipts().unconfirmedSince())
        .filter(Objects::nonNull)
        .min(Comparator.naturalOrder())
        .orElse(null);
  }

  /** The ids of at most {@code max} unconfirmed messages of the stuck batches. */
  List<String> stuckSample(int max) {
    return stuckBatches().stream()
        .flatMap(b -> b.receipts().unconfirmedSample().stream())
        .limit(max)
        .toList();
  }

  /** The ledger and the given state of the rest, as a continued run restores them. */
  SendoutCheckpoint checkpoint(int messageCount, SupportState support) {
    return new SendoutCheckpoint(
        messageCount,
        started,
        tally,
        sent,
        settledBatches,
        settled,
        new TreeMap<>(unsettled),
        support);
  }
}
