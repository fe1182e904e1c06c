package dev.sendout.sandbox.vonage.statuses;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusPosterTest {

  @Test
  void backoffDoublesFromTheInitialWaitUpToThirtySeconds() {
    assertThat(StatusPoster.backoffMs(1000, 1)).isEqualTo(1000);
    assertThat(StatusPoster.backoffMs(1000, 2)).isEqualTo(2000);
    assertThat(StatusPoster.backoffMs(1000, 5)).isEqualTo(16_000);
    assertThat(StatusPoster.backoffMs(1000, 6)).isEqualTo(30_000);
    assertThat(StatusPoster.backoffMs(1000, 200)).isEqualTo(30_000);
  }
}
