package dev.sendout.core.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.workflows.sendout.SeqRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdditionHandoffsTest {

  @Test
  void aRoundOfOneRecipientAdditionsIsHandedOverAsOneRange() {
    var ranges =
        List.of(new SeqRange(7, 8), new SeqRange(5, 6), new SeqRange(6, 7), new SeqRange(8, 9));

    assertThat(SeqRange.merged(ranges)).containsExactly(new SeqRange(5, 9));
  }

  @Test
  void rangesWithAGapBetweenThemStayApartAndEmptyOnesAreDropped() {
    var ranges = List.of(new SeqRange(10, 12), new SeqRange(3, 3), new SeqRange(0, 2));

    assertThat(SeqRange.merged(ranges)).containsExactly(new SeqRange(0, 2), new SeqRange(10, 12));
  }

  @Test
  void overlappingRangesAreJoinedWhole() {
    var ranges = List.of(new SeqRange(0, 5), new SeqRange(2, 4), new SeqRange(4, 9));

    assertThat(SeqRange.merged(ranges)).containsExactly(new SeqRange(0, 9));
  }
}
