package dev.sendout.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.config.InvalidSetting;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitPropertiesTest {

  private static final Duration WAIT = Duration.ofMillis(100);
  private static final Duration DRAIN = Duration.ofSeconds(20);

  @Test
  void noPlaceForAnyWriteOrANegativeWaitStopsTheStartNamingItsVariable() {
    // 0 turns the backlog bounds off, as documented; a write needs a place.
    assertThat(new LimitProperties(100, 1000, 150, 30, 6, 128, WAIT, 0, 0, DRAIN).maxBacklog())
        .isZero();
    assertThatThrownBy(() -> new LimitProperties(100, 1000, 150, 30, 0, 128, WAIT, 0, 0, DRAIN))
        .isInstanceOfSatisfying(
            InvalidSetting.class,
            e -> assertThat(e.variable()).isEqualTo("SENDOUT_API_LIMITS_MAXCONCURRENTWRITES"));
    assertThatThrownBy(() -> new LimitProperties(100, 1000, 150, 30, 6, 0, WAIT, 0, 0, DRAIN))
        .hasMessageStartingWith("SENDOUT_API_LIMITS_MAXWAITINGADDITIONS is invalid");
    assertThatThrownBy(
            () ->
                new LimitProperties(100, 1000, 150, 30, 6, 128, Duration.ofMillis(-1), 0, 0, DRAIN))
        .hasMessageStartingWith("SENDOUT_API_LIMITS_WRITEWAIT is invalid");
  }
}
