package dev.sendout.workflows.sendout;

import static dev.sendout.workflows.batch.BatchPhase.AWAITING_RECEIPTS;
import static dev.sendout.workflows.batch.BatchPhase.SENDING;
import static dev.sendout.workflows.batch.BatchPhase.SETTLED;
import static dev.sendout.workflows.batch.BatchPhase.STUCK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.workflows.batch.BatchPhase;
import dev.sendout.workflows.batch.BatchProgress;
import dev.sendout.workflows.receipt.BatchReceipts;
import dev.sendout.workflows.receipt.DeliveryTally;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchLedgerTest {

  private static final SendTally TEN_ACCEPTED = new SendTally(10, 0, 0);
  private static final BatchReceipts AWAITING_TEN =
      new BatchReceipts(new DeliveryTally(10, 0, 0, 0, 0, 0), null, List.of());
  private static final BatchReceipts DELIVERED_TEN =
      new BatchReceipts(new DeliveryTally(0, 10, 0, 0, 0, 0), null, List.of());

  private static BatchProgress report(int batchNo, BatchPhase phase, BatchReceipts receipts) {
    return new BatchProgress(batchNo, phase, TEN_ACCEPTED, receipts);
  }

  private static BatchReceipts unconfirmed(Instant since, String... ids) {
    return new BatchReceipts(
        new DeliveryTally(0, 10 - ids.length, 0, 0, 0, ids.length), since, List.of(ids));
  }

  private static BatchLedger startedBatches(int count) {
    BatchLedger ledger = new BatchLedger();
    for (int i = 0; i < count; i++) {
      ledger.startNext();
    }
    return ledger;
  }

  @Test
  void batchesAreNumberedInTheOrderTheyStartAndHoldAPlaceUntilSent() {
    BatchLedger ledger = new BatchLedger();

    assertThat(ledger.startNext()).isZero();
    assertThat(ledger.startNext()).isEqualTo(1);
    ledger.record(report(0, AWAITING_RECEIPTS, AWAITING_TEN));

    assertThat(ledger.started()).isEqualTo(2);
    assertThat(ledger.sent()).isEqualTo(1);
    assertThat(ledger.inFlight()).isEqualTo(1);
  }

  @Test
  void eachBatchIsCountedOnceWhateverReportsItSends() {
    BatchLedger ledger = startedBatches(2);

    ledger.record(report(0, SENDING, null));
    ledger.record(report(0, AWAITING_RECEIPTS, AWAITING_TEN));
    ledger.record(report(0, AWAITING_RECEIPTS, AWAITING_TEN));
    ledger.record(report(0, STUCK, unconfirmed(Instant.EPOCH, "m3")));
    ledger.record(report(0, SETTLED, DELIVERED_TEN));
    ledger.record(report(1, SETTLED, DELIVERED_TEN));

    assertThat(ledger.sent()).isEqualTo(2);
    assertThat(ledger.settledBatches()).isEqualTo(2);
    assertThat(ledger.tally()).isEqualTo(new SendTally(20, 0, 0));
    assertThat(ledger.receipts()).isEqualTo(new DeliveryTally(0, 20, 0, 0, 0, 0));
  }

  @Test
  void aReportOfABatchThisRunHasNotStartedIsIgnored() {
    BatchLedger ledger = startedBatches(1);

    assertThat(ledger.record(report(1, AWAITING_RECEIPTS, AWAITING_TEN))).isFalse();
    assertThat(ledger.record(report(0, AWAITING_RECEIPTS, AWAITING_TEN))).isTrue();

    assertThat(ledger.sent()).isEqualTo(1);
  }

  @Test
  void receiptsSumSettledBatchesAndTheLatestReportOfTheOthers() {
    BatchLedger ledger = startedBatches(3);

    ledger.record(report(0, SETTLED, DELIVERED_TEN));
    ledger.record(report(1, AWAITING_RECEIPTS, AWAITING_TEN));
    ledger.record(report(2, SENDING, null));

    assertThat(ledger.receipts()).isEqualTo(new DeliveryTally(10, 10, 0, 0, 0, 0));
    assertThat(ledger.anyStuck()).isFalse();
    assertThat(ledger.stuckSince()).isNull();
    assertThat(ledger.stuckMessages()).isZero();
  }

  @Test
  void stuckBatchesGiveTheStuckMessagesTheOldestSinceAndABoundedSample() {
    BatchLedger ledger = startedBatches(3);
    Instant early = Instant.parse("2026-01-01T00:00:00Z");
    Instant late = Instant.parse("2026-01-02T00:00:00Z");

    ledger.record(report(0, STUCK, unconfirmed(late, "m1", "m2")));
    ledger.record(report(1, AWAITING_RECEIPTS, AWAITING_TEN));
    ledger.record(report(2, STUCK, unconfirmed(early, "m25")));

    assertThat(ledger.anyStuck()).isTrue();
    assertThat(ledger.stuckBatches()).extracting(BatchProgress::batchNo).containsExactly(0, 2);
    assertThat(ledger.stuckMessages()).isEqualTo(3);
    assertThat(ledger.stuckSince()).isEqualTo(early);
    assertThat(ledger.stuckSample(2)).containsExactly("m1", "m2");
  }

  @Test
  void aContinuedRunRestoresTheLedgerFromItsCheckpoint() {
    BatchLedger ledger = startedBatches(3);
    ledger.record(report(0, SETTLED, DELIVERED_TEN));
    ledger.record(report(1, STUCK, unconfirmed(Instant.EPOCH, "m12")));
    SupportState support = new BatchPlan("s1", 10).carried(false, StuckFlag.State.NONE, 0);

    SendoutCheckpoint checkpoint = ledger.checkpoint(30, support);
    BatchLedger restored = BatchLedger.restore(checkpoint);

    assertThat(checkpoint.messageCount()).isEqualTo(30);
    assertThat(checkpoint.support()).isSameAs(support);
    assertThat(restored.started()).isEqualTo(3);
    assertThat(restored.sent()).isEqualTo(2);
    assertThat(restored.inFlight()).isEqualTo(1);
    assertThat(restored.settledBatches()).isEqualTo(1);
    assertThat(restored.tally()).isEqualTo(ledger.tally());
    assertThat(restored.receipts()).isEqualTo(ledger.receipts());
    assertThat(restored.stuckSample(10)).containsExactly("m12");
  }
}
