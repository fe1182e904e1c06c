package dev.sendout.activities.sms;

import dev.sendout.core.config.InvalidSetting;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How to reach the Vonage Messages API. Credentials come from the environment, never from the
 * repository: either a Vonage application (JWT auth, which Vonage recommends) or an account's API
 * key and secret (basic auth).
 *
 * @param baseUrl {@code https://api.nexmo.com} in production; the sandbox by default
 * @param applicationId the Vonage application's id ({@code VONAGE_APPLICATION_ID})
 * @param privateKey the application's private key, PEM ({@code VONAGE_PRIVATE_KEY})
 * @param apiKey the account's API key ({@code VONAGE_API_KEY}), when no application is set
 * @param apiSecret the account's API secret ({@code VONAGE_API_SECRET})
 * @param connectTimeout a connection that cannot be made in this time means nothing was sent
 * @param readTimeout how long to wait for the answer; past it the send's outcome is unknown
 * @param maxConnections connections kept to Vonage; SMS sends are one request each
 * @param requestsPerSecond Vonage's request limit for the key (30 by default); the SMS task queue
 *     is capped at it and each worker spaces its requests just under it
 */
@ConfigurationProperties("sendout.vonage")
public record VonageProperties(
    URI baseUrl,
    String applicationId,
    String privateKey,
    String apiKey,
    String apiSecret,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("10s") Duration readTimeout,
    @DefaultValue("32") int maxConnections,
    @DefaultValue("30") int requestsPerSecond) {

  /** A worker that could only fail every SMS send refuses to start, naming what is missing. */
  public VonageProperties {
    if (baseUrl == null || baseUrl.getAuthority() == null) {
      throw InvalidSetting.invalid(
          "VONAGE_BASE_URL",
          "it must be an absolute URL, https://api.nexmo.com in production",
          null);
    }
    InvalidSetting.requireAtLeast("VONAGE_REQUESTS_PER_SECOND", requestsPerSecond, 1);
    if (!usesApplication(applicationId, privateKey) && (isBlank(apiKey) || isBlank(apiSecret))) {
      throw InvalidSetting.missing(
          "VONAGE_APPLICATION_ID",
          "the worker sends SMS through Vonage as an application (VONAGE_APPLICATION_ID and"
              + " VONAGE_PRIVATE_KEY) or with an account's VONAGE_API_KEY and VONAGE_API_SECRET");
    }
  }

  /** True when JWT auth with an application is configured. */
  public boolean usesApplication() {
    return usesApplication(applicationId, privateKey);
  }

  private static boolean usesApplication(String applicationId, String privateKey) {
    return !isBlank(applicationId) && !isBlank(privateKey);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  /** Keeps the key and the secret out of logs and error messages. */
  @Override
  public String toString() {
    return "VonageProperties[baseUrl=%s, applicationId=%s, auth=%s]"
        .formatted(baseUrl, applicationId, usesApplication() ? "jwt" : "basic");
  }
}
