package dev.sendout.sandbox.vonage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  @Test
  void admitsAtMostTheLimitWithinEachSecondOfTheClock() {
    RateLimiter limiter = limiter(3);

    assertThat(limiter.admit(10_000)).isTrue();
    assertThat(limiter.admit(10_400)).isTrue();
    assertThat(limiter.admit(10_800)).isTrue();
    assertThat(limiter.admit(10_999)).isFalse();
    // A new second of the clock: the full allowance again.
    assertThat(limiter.admit(11_000)).isTrue();
    assertThat(limiter.admit(11_300)).isTrue();
    assertThat(limiter.admit(11_400)).isTrue();
    assertThat(limiter.admit(11_401)).isFalse();
  }

  @Test
  void throttledRequestsDoNotUseUpTheAllowanceButCountTowardThePeaks() {
    RateLimiter limiter = limiter(2);

    limiter.admit(10_000);
    limiter.admit(10_010);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.admit(10_500 + i)).isFalse();
    }

    assertThat(limiter.admit(11_000)).isTrue();
    assertThat(limiter.peakRequestsPerSecond()).isEqualTo(7);
    assertThat(limiter.peakRequestsInAnySlidingSecond()).isEqualTo(7);
  }

  @Test
  void theSlidingPeakShowsABurstAcrossASecondBoundaryThatTheLimitLetsThrough() {
    RateLimiter limiter = limiter(3);
    // Three requests late in one second and three early in the next: 3 per second of the clock,
    // 6 in the 200 ms around the boundary.
    for (long at : List.of(10_900L, 10_950L, 10_990L, 11_010L, 11_050L, 11_100L, 12_500L)) {
      assertThat(limiter.admit(at)).isTrue();
    }

    assertThat(limiter.peakRequestsPerSecond()).isEqualTo(3);
    assertThat(limiter.peakRequestsInAnySlidingSecond()).isEqualTo(6);
  }

  @Test
  void resetRestoresTheFullAllowanceAndForgetsThePeaks() {
    RateLimiter limiter = limiter(1);
    limiter.admit(10_000);
    assertThat(limiter.admit(10_001)).isFalse();

    limiter.reset();

    assertThat(limiter.peakRequestsPerSecond()).isZero();
    assertThat(limiter.peakRequestsInAnySlidingSecond()).isZero();
    assertThat(limiter.admit(10_002)).isTrue();
  }

  private static RateLimiter limiter(int perSecond) {
    return new RateLimiter(
        new VonageSandboxProperties(
            "k", "s", "", "", List.of("999"), perSecond, 10, new FaultSettings(0, 0, false)));
  }
}
