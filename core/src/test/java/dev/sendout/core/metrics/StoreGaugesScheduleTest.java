package dev.sendout.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sendout.core.StoreTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.TestPropertySource;

/**
 * The gauges wired as the worker wires them: switched on by a property, and refreshed on their own
 * schedule. The values are {@link StoreGaugesTest}'s business; the store here is shared.
 */
@TestPropertySource(
    properties = {
      "sendout.metrics.store-gauges.enabled=true",
      "sendout.metrics.store-gauges.interval=1s"
    })
class StoreGaugesScheduleTest extends StoreTest {

  /** The apps get theirs from actuator, which the activities do not depend on. */
  @TestConfiguration
  static class Meters {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Autowired MeterRegistry meters;

  @Test
  void enabledGaugesAreRefreshedWithoutAnyoneCallingThem() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !Double.isNaN(stuckWithoutReceipt()));

    assertThat(stuckWithoutReceipt()).isNotNegative();
    assertThat(meters.get("sendout.messages").tags("channel", "EMAIL", "status", "QUEUED").gauge())
        .satisfies(gauge -> assertThat(gauge.value()).isNotNaN());
    assertThat(meters.get("sendout.oldest.unconfirmed.age").tag("channel", "SMS").timeGauge())
        .satisfies(gauge -> assertThat(gauge.value()).isNotNaN());
  }

  private double stuckWithoutReceipt() {
    return meters.get("sendout.stuck").tag("reason", "NO_RECEIPT").gauge().value();
  }
}
