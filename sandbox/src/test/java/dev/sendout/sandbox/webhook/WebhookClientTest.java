package dev.sendout.sandbox.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookClientTest {

  @Test
  void backoffDoublesFromTheInitialWaitUpToThirtySeconds() {
    assertThat(WebhookClient.backoffMs(1000, 1)).isEqualTo(1000);
    assertThat(WebhookClient.backoffMs(1000, 2)).isEqualTo(2000);
    assertThat(WebhookClient.backoffMs(1000, 5)).isEqualTo(16_000);
    assertThat(WebhookClient.backoffMs(1000, 6)).isEqualTo(30_000);
    assertThat(WebhookClient.backoffMs(1000, 200)).isEqualTo(30_000);
  }
}
