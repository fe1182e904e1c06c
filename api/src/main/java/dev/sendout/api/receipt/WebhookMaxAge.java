package dev.sendout.api.receipt;

import dev.sendout.core.config.InvalidSetting;
import java.time.Duration;

/**
 * The bounds of a webhook's replay window. Zero or less would refuse every webhook, and {@code 300}
 * (read as 300 ms) nearly every one: the providers retry for a while, then give up, and the
 * receipts are lost. Beyond an hour the signature no longer keeps a replay out.
 */
final class WebhookMaxAge {

  static final Duration MIN = Duration.ofSeconds(30);
  static final Duration MAX = Duration.ofHours(1);

  private WebhookMaxAge() {}

  static void check(String variable, Duration maxAge) {
    InvalidSetting.requireWithin(variable, maxAge, MIN, MAX, "from 30s to 1h such as 5m");
  }
}
