package dev.sendout.sandbox.sendgrid.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookPosterTest {

  @Test
  void backoffDoublesFromTheInitialWaitUpToThirtySeconds() {
    assertThat(WebhookPoster.backoffMs(1000, 1)).isEqualTo(1000);
    assertThat(WebhookPoster.backoffMs(1000, 2)).isEqualTo(2000);
    assertThat(WebhookPoster.backoffMs(1000, 5)).isEqualTo(16_000);
    assertThat(WebhookPoster.backoffMs(1000, 6)).isEqualTo(30_000);
    assertThat(WebhookPoster.backoffMs(1000, 200)).isEqualTo(30_000);
  }
}
