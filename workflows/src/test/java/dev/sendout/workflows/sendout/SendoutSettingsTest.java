package dev.sendout.workflows.sendout;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SendoutSettingsTest {

  private static final Duration DAY = Duration.ofHours(24);
  private static final Duration GRACE = Duration.ofMinutes(10);

  @Test
  void everySettingIsRequiredAndChecked() {
    assertThatCode(() -> new SendoutSettings(1000, 8, "email", 2000, DAY, 1000, GRACE))
        .doesNotThrowAnyException();
    assertThatCode(() -> new SendoutSettings(100, 8, "sms", 2000, DAY, 1, Duration.ZERO))
        .doesNotThrowAnyException();

    assertThatThrownBy(() -> new SendoutSettings(1000, 8, "email", 2000, null, 1000, GRACE))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("receiptTimeout");
    assertThatThrownBy(() -> new SendoutSettings(1000, 8, "email", 2000, DAY, 1000, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("releaseGrace");
    assertThatThrownBy(() -> new SendoutSettings(10, 8, "email", 2000, Duration.ZERO, 10, GRACE))
        .hasMessage("receiptTimeout must be positive");
    assertThatThrownBy(() -> new SendoutSettings(10, 8, "email", 2000, DAY, 0, GRACE))
        .hasMessage("messagesPerCall must be within 1..batchSize");
    assertThatThrownBy(() -> new SendoutSettings(10, 8, "email", 2000, DAY, 11, GRACE))
        .hasMessage("messagesPerCall must be within 1..batchSize");
    assertThatThrownBy(
            () -> new SendoutSettings(10, 8, "email", 2000, DAY, 10, Duration.ofSeconds(-1)))
        .hasMessage("releaseGrace must not be negative");
  }
}
