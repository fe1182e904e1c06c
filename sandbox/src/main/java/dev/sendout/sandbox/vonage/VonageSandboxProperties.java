package dev.sendout.sandbox.vonage;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the fake Vonage Messages API, bound from {@code sandbox.vonage.*}.
 *
 * @param apiKey the key accepted in {@code Authorization: Basic base64(apiKey:apiSecret)}
 * @param apiSecret the secret that goes with it
 * @param applicationId when set, the {@code application_id} claim every JWT must carry; it is also
 *     put into the status webhooks' JWTs, as Vonage does
 * @param applicationPublicKey base64 X.509 DER (PEM armour allowed) of the Vonage application's RSA
 *     public key that verifies RS256 JWTs; empty refuses JWT auth altogether
 * @param invalidNumberPrefixes {@code to} numbers starting with one of these are refused with 422,
 *     so a test can send to a well-formed E.164 number that Vonage would still turn down: by
 *     default the country code 999, which nobody has, and +44 20 7946 0xxx, Ofcom's drama range for
 *     London, which the engine (by libphonenumber) takes for a valid number
 * @param rateLimitPerSecond the most requests admitted within any trailing second; 0 switches the
 *     limit off
 * @param maxRecordedMessages how many accepted messages keep their details; later ones are only
 *     counted, so a long load test cannot exhaust the heap
 * @param faults the fault modes in force at start-up; they can be changed at run time
 */
@ConfigurationProperties("sandbox.vonage")
public record VonageSandboxProperties(
    @DefaultValue("sandbox-key") String apiKey,
    @DefaultValue("sandbox-secret") String apiSecret,
    @DefaultValue("") String applicationId,
    @DefaultValue("") String applicationPublicKey,
    @DefaultValue({"999", "4420794600"}) List<String> invalidNumberPrefixes,
    @DefaultValue("30") int rateLimitPerSecond,
    @DefaultValue("2000000") int maxRecordedMessages,
    @DefaultValue FaultSettings faults) {

  public VonageSandboxProperties {
    // An environment variable left unset binds as an empty or missing value; both mean "none".
    applicationId = applicationId == null ? "" : applicationId.trim();
    applicationPublicKey = applicationPublicKey == null ? "" : applicationPublicKey.trim();
    if (rateLimitPerSecond < 0) {
      throw new IllegalStateException(
          "sandbox.vonage.rate-limit-per-second must be 0 (off) or more, not "
              + rateLimitPerSecond);
    }
  }

  /** Leaves the secret out, since Spring may print bound properties when start-up fails. */
  @Override
  public String toString() {
    return "VonageSandboxProperties[apiKey="
        + apiKey
        + ", apiSecret=(hidden), applicationId="
        + applicationId
        + ", invalidNumberPrefixes="
        + invalidNumberPrefixes
        + ", rateLimitPerSecond="
        + rateLimitPerSecond
        + ", maxRecordedMessages="
        + maxRecordedMessages
        + ", faults="
        + faults
        + "]";
  }
}
