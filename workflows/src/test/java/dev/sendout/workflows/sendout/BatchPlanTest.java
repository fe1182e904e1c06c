package dev.sendout.workflows.sendout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.workflows.batch.SendBatch;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

  private static BatchPlan released(int messages, int batchSize) {
    BatchPlan plan = new BatchPlan("s1", batchSize);
    plan.released(messages);
    return plan;
  }

  private static List<SendBatch> batches(BatchPlan plan) {
    return IntStream.range(0, plan.batchCount()).mapToObj(plan::batch).toList();
  }

  @Test
  void theFirstReleaseIsCutInBatchesBySequenceNumberTheLastOneShort() {
    BatchPlan plan = released(2500, 1000);

    assertThat(plan.batchCount()).isEqualTo(3);
    assertThat(batches(plan))
        .extracting(SendBatch::sendoutId, SendBatch::batchNo, SendBatch::fromSeq, SendBatch::toSeq)
        .containsExactly(
            tuple("s1", 0, 0, 1000), tuple("s1", 1, 1000, 2000), tuple("s1", 2, 2000, 2500));
  }

  @Test
  void aSendoutNotReleasedYetHasNoBatch() {
    assertThat(new BatchPlan("s1", 10).batchCount()).isZero();
  }

  @Test
  void addedRangesGetBatchesOfTheirOwnAfterTheFirstReleaseOnceReleased() {
    BatchPlan plan = released(10, 10);

    assertThat(plan.add(new SeqRange(10, 25))).isTrue();
    assertThat(plan.batchCount()).as("not planned before it is released").isEqualTo(1);
    assertThat(plan.allMessages()).isEqualTo(25);
    assertThat(plan.planAdded(plan.takeUnreleased(), true)).isTrue();

    assertThat(batches(plan))
        .extracting(SendBatch::batchNo, SendBatch::fromSeq, SendBatch::toSeq)
        .containsExactly(tuple(0, 0, 10), tuple(1, 10, 20), tuple(2, 20, 25));
    assertThat(plan.addedMessages()).isEqualTo(15);
  }

  @Test
  void aRepeatedAdditionOrOneOfTheFirstReleaseIsNotAddedAgain() {
    BatchPlan plan = released(10, 10);
    plan.add(new SeqRange(10, 20));

    assertThat(plan.add(new SeqRange(10, 20))).isFalse();
    assertThat(plan.add(new SeqRange(12, 18))).isFalse();
    assertThat(plan.add(new SeqRange(0, 10))).isFalse();
    assertThat(plan.takeUnreleased()).containsExactly(new SeqRange(10, 20));
    assertThat(plan.hasUnreleased()).as("handed over once").isFalse();
  }

  @Test
  void aRangeHandedOverAgainWithMoreAddsOnlyWhatIsNew() {
    BatchPlan plan = released(10, 10);
    plan.add(new SeqRange(12, 15));
    plan.add(new SeqRange(18, 20));

    assertThat(plan.add(new SeqRange(5, 25))).isTrue();

    assertThat(plan.takeUnreleased())
        .containsExactly(
            new SeqRange(12, 15),
            new SeqRange(18, 20),
            new SeqRange(10, 12),
            new SeqRange(15, 18),
            new SeqRange(20, 25));
    assertThat(plan.addedMessages()).isEqualTo(15);
  }

  @Test
  void addedRangesReleasedTogetherThatFollowOneAnotherMakeOneBatchFromVersion1() {
    BatchPlan merged = released(10, 100);
    BatchPlan apart = released(10, 100);
    for (BatchPlan plan : List.of(merged, apart)) {
      plan.add(new SeqRange(11, 12));
      plan.add(new SeqRange(10, 11));
      plan.add(new SeqRange(12, 13));
      plan.add(new SeqRange(20, 21));
    }

    merged.planAdded(merged.takeUnreleased(), true);
    apart.planAdded(apart.takeUnreleased(), false);

    assertThat(batches(merged))
        .extracting(SendBatch::fromSeq, SendBatch::toSeq)
        .containsExactly(tuple(0, 10), tuple(10, 13), tuple(20, 21));
    assertThat(batches(apart)).hasSize(5);
  }

  @Test
  void rangesAddedBeforeTheFirstReleaseAreSentWithItNotAgain() {
    BatchPlan plan = new BatchPlan("s1", 10);
    plan.add(new SeqRange(0, 5));
    plan.released(5);

    assertThat(plan.planAdded(plan.takeUnreleased(), true)).isFalse();
    assertThat(plan.batchCount()).isEqualTo(1);
    assertThat(plan.addedMessages()).isZero();
    assertThat(plan.allMessages()).isEqualTo(5);
  }

  @Test
  void resentRangesAreBatchesNumberedAfterEveryOtherBatch() {
    BatchPlan plan = released(20, 10);

    plan.planResend(List.of(new SeqRange(3, 4), new SeqRange(12, 20)));

    assertThat(batches(plan))
        .extracting(SendBatch::batchNo, SendBatch::fromSeq, SendBatch::toSeq)
        .containsExactly(tuple(0, 0, 10), tuple(1, 10, 20), tuple(2, 3, 4), tuple(3, 12, 20));
  }

  @Test
  void aCancelCutsThePlanAfterTheBatchesStartedAndDropsUnreleasedAdditions() {
    BatchPlan plan = released(50, 10);
    plan.add(new SeqRange(50, 60));

    plan.cancelAt(2);

    assertThat(plan.cancelled()).isTrue();
    assertThat(plan.batchCount()).isEqualTo(2);
    assertThat(plan.plannedBatchCount()).isEqualTo(5);
    assertThat(plan.hasUnreleased()).isFalse();
  }

  @Test
  void aContinuedRunRestoresThePlanItCarried() {
    BatchPlan plan = released(20, 10);
    plan.add(new SeqRange(20, 25));
    plan.planAdded(plan.takeUnreleased(), true);
    plan.add(new SeqRange(25, 27));
    StuckFlag.State stuck = StuckFlag.State.NONE;

    SupportState carried = plan.carried(true, stuck, 2);
    BatchPlan restored = BatchPlan.restore("s1", 10, 20, carried, false);

    assertThat(carried.paused()).isTrue();
    assertThat(carried.stuck()).isSameAs(stuck);
    assertThat(batches(restored)).isEqualTo(batches(plan));
    assertThat(restored.allMessages()).isEqualTo(27);
    assertThat(restored.takeUnreleased()).containsExactly(new SeqRange(25, 27));
    assertThat(restored.cancelled()).isFalse();
  }

  @Test
  void aDayOfOneRecipientRoundsCarriesOnlyTheBatchesNotStartedAndOneAddedRange() {
    BatchPlan plan = released(1, 10);
    int rounds = 20_000;
    for (int seq = 1; seq <= rounds; seq++) {
      plan.add(new SeqRange(seq, seq + 1));
      plan.planAdded(plan.takeUnreleased(), true);
    }
    int started = plan.batchCount() - 3; // the last three rounds' batches are not started yet

    SupportState carried = plan.carried(false, StuckFlag.State.NONE, started);
    BatchPlan restored = BatchPlan.restore("s1", 10, 1, carried, false);

    assertThat(carried.additions()).containsExactly(new SeqRange(1, rounds + 1));
    assertThat(carried.laterBatches()).hasSize(3);
    assertThat(carried.startedLaterBatches()).isEqualTo(rounds - 3);
    assertThat(restored.batchCount()).isEqualTo(plan.batchCount());
    for (int batchNo = started; batchNo < plan.batchCount(); batchNo++) {
      assertThat(restored.batch(batchNo)).isEqualTo(plan.batch(batchNo));
    }
    assertThat(restored.allMessages()).isEqualTo(rounds + 1);
    assertThat(restored.add(new SeqRange(rounds, rounds + 2))).isTrue();
    assertThat(restored.takeUnreleased()).containsExactly(new SeqRange(rounds + 1, rounds + 2));
    // Carried again, the count of batches left out adds up.
    SupportState again = restored.carried(false, StuckFlag.State.NONE, plan.batchCount());
    assertThat(again.laterBatches()).isEmpty();
    assertThat(again.startedLaterBatches()).isEqualTo(rounds);
  }

  @Test
  void aRequeuedRangeIsPlannedAgainOnceEvenWhenItBelongsToTheFirstRelease() {
    BatchPlan plan = new BatchPlan("s", 10);
    plan.released(20);

    plan.requeue(new SeqRange(3, 5));
    plan.requeue(new SeqRange(3, 5));

    assertThat(plan.hasUnreleased()).isTrue();
    assertThat(plan.planAdded(plan.takeUnreleased(), true)).isTrue();
    assertThat(plan.batchCount()).isEqualTo(3);
    assertThat(plan.batch(2)).isEqualTo(new SendBatch("s", 2, 3, 5));
    assertThat(plan.hasUnreleased()).isFalse();
  }

  @Test
  void aRoundReleasesItsAddedAndRequeuedRangesAndNothingElse() {
    BatchPlan plan = released(10, 10);
    plan.add(new SeqRange(10, 12));
    plan.add(new SeqRange(12, 13));
    plan.requeue(new SeqRange(3, 5));

    assertThat(plan.releasing(plan.takeUnreleased()))
        .containsExactly(new SeqRange(3, 5), new SeqRange(10, 13));
  }
}
