package dev.sendout.sandbox.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.sandbox.webhook.FateDraws.Share;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FateDrawsTest {

  @Test
  void splitsOneRollBetweenSharesInTheOrderGiven() {
    Share<String> silent = new Share<>("silent", 0.2);
    Share<String> bounced = new Share<>("bounced", 0.3);

    assertThat(FateDraws.split(0.1, "delivered", silent, bounced)).isEqualTo("silent");
    assertThat(FateDraws.split(0.2, "delivered", silent, bounced)).isEqualTo("bounced");
    assertThat(FateDraws.split(0.49, "delivered", silent, bounced)).isEqualTo("bounced");
    assertThat(FateDraws.split(0.5, "delivered", silent, bounced)).isEqualTo("delivered");
  }

  @Test
  void aZeroRateNeverComesTrueAndDrawsNothing() {
    FateDraws seeded = new FateDraws(7L);
    FateDraws same = new FateDraws(7L);
    RandomGenerator rng = seeded.generator();

    assertThat(FateDraws.chance(rng, 0)).isFalse();
    assertThat(rng.nextDouble()).isEqualTo(same.generator().nextDouble());
  }

  @Test
  void reseedingRestartsTheSequence() {
    FateDraws draws = new FateDraws(42L);
    double[] first =
        IntStream.range(0, 5).mapToDouble(i -> draws.generator().nextDouble()).toArray();

    draws.reseed(42L);

    assertThat(IntStream.range(0, 5).mapToDouble(i -> draws.generator().nextDouble()).toArray())
        .containsExactly(first);
  }
}
