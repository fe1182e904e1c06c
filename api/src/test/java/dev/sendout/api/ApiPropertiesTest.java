package dev.sendout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.config.InvalidSetting;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The api's defaults are held to the bounds a request's own values are. */
class ApiPropertiesTest {

  private static ApiProperties withReceiptTimeouts(Duration email, Duration sms) {
    DataSize size = DataSize.ofMegabytes(1);
    return new ApiProperties(10_000, size, size, size, email, sms);
  }

  @Test
  void aDefaultReceiptTimeoutARequestCouldNotGiveStopsTheStartNamingItsVariable() {
    assertThat(withReceiptTimeouts(Duration.ofHours(24), Duration.ofHours(72))).isNotNull();
    // "500" binds as 500 ms.
    assertThatThrownBy(() -> withReceiptTimeouts(Duration.ofMillis(500), Duration.ofHours(72)))
        .isInstanceOfSatisfying(
            InvalidSetting.class,
            e -> assertThat(e.variable()).isEqualTo("SENDOUT_API_EMAILRECEIPTTIMEOUT"));
    assertThatThrownBy(() -> withReceiptTimeouts(Duration.ofHours(24), Duration.ofDays(31)))
        .hasMessageStartingWith("SENDOUT_API_SMSRECEIPTTIMEOUT is invalid");
  }
}
