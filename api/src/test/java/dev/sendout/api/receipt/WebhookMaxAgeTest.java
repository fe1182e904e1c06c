package dev.sendout.api.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.config.InvalidSetting;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookMaxAgeTest {

  @Test
  void aReplayWindowThatRefusesEveryWebhookOrNoReplayStopsTheStartNamingItsVariable() {
    assertThat(new VonageWebhookProperties("s", Duration.ofMinutes(5)).maxAge())
        .isEqualTo(Duration.ofMinutes(5));
    // "300" binds as 300 ms: nearly every webhook would be refused as a replay.
    assertThatThrownBy(() -> new SendGridWebhookProperties("k", Duration.ofMillis(300)))
        .isInstanceOfSatisfying(
            InvalidSetting.class,
            e -> assertThat(e.variable()).isEqualTo("SENDGRID_WEBHOOK_MAX_AGE"));
    assertThatThrownBy(() -> new VonageWebhookProperties("s", Duration.ofDays(1)))
        .hasMessageStartingWith("VONAGE_WEBHOOK_MAX_AGE is invalid");
  }
}
