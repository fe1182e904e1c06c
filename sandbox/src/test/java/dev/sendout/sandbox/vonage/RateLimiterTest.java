package dev.sendout.sandbox.vonage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static final long MS = 1_000_000L;

  @Test
  void admitsAtMostTheLimitWithinAnyTrailingSecond() {
    RateLimiter limiter = limiter(3);

    assertThat(limiter.admit(0)).isTrue();
    assertThat(limiter.admit(400 * MS)).isTrue();
    assertThat(limiter.admit(800 * MS)).isTrue();
    assertThat(limiter.admit(999 * MS)).isFalse();
    // The first request is now exactly one second old and out of the window.
    assertThat(limiter.admit(1000 * MS)).isTrue();
    assertThat(limiter.admit(1300 * MS)).isFalse();
    assertThat(limiter.admit(1400 * MS)).isTrue();
  }

  @Test
  void throttledRequestsDoNotDelayTheNextOneButCountTowardThePeak() {
    RateLimiter limiter = limiter(2);

    limiter.admit(0);
    limiter.admit(10 * MS);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.admit((500 + i) * MS)).isFalse();
    }

    assertThat(limiter.admit(1000 * MS)).isTrue();
    assertThat(limiter.peakRequestsInOneSecond()).isEqualTo(7);
  }

  @Test
  void thePeakIsTheBusiestSlidingSecondNotTheBusiestCalendarSecond() {
    RateLimiter limiter = limiter(0);
    // Three requests late in one second and three early in the next: 3 per calendar second, 6 in
    // the 200 ms around the boundary.
    for (long at : List.of(900L, 950L, 990L, 1010L, 1050L, 1100L, 2500L)) {
      assertThat(limiter.admit(at * MS)).isTrue();
    }

    assertThat(limiter.peakRequestsInOneSecond()).isEqualTo(6);
  }

  @Test
  void resetRestoresTheFullAllowanceAndForgetsThePeak() {
    RateLimiter limiter = limiter(1);
    limiter.admit(0);
    assertThat(limiter.admit(MS)).isFalse();

    limiter.reset();

    assertThat(limiter.peakRequestsInOneSecond()).isZero();
    assertThat(limiter.admit(2 * MS)).isTrue();
  }

  private static RateLimiter limiter(int perSecond) {
    return new RateLimiter(
        new VonageSandboxProperties(
            "k", "s", "", "", List.of("999"), perSecond, 10, new FaultSettings(0, 0)));
  }
}
