package dev.sendout.activities.email;

import dev.sendout.core.config.InvalidSetting;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How to reach SendGrid.
 *
 * @param baseUrl {@code https://api.sendgrid.com} in production; the sandbox by default
 * @param apiKey from the environment ({@code SENDGRID_API_KEY}), never from the repository
 * @param connectTimeout a connection that cannot be made in this time means nothing was sent
 * @param readTimeout how long to wait for the answer; past it the send's outcome is unknown
 * @param maxConnections connections kept to SendGrid, at least the batches in flight
 */
@ConfigurationProperties("sendout.sendgrid")
public record SendGridProperties(
    URI baseUrl,
    String apiKey,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("20s") Duration readTimeout,
    @DefaultValue("32") int maxConnections) {

  /** A worker without a SendGrid address or key could only fail every send: refuse to start. */
  public SendGridProperties {
    if (baseUrl == null || baseUrl.getAuthority() == null) {
      throw InvalidSetting.invalid(
          "SENDGRID_BASE_URL",
          "it must be an absolute URL, https://api.sendgrid.com in production",
          null);
    }
    if (apiKey == null || apiKey.isBlank()) {
      throw InvalidSetting.missing(
          "SENDGRID_API_KEY", "the worker sends email through SendGrid with this key");
    }
  }
}
