package dev.sendout.worker;

import dev.sendout.activities.email.SendGridProperties;
import dev.sendout.activities.sms.VonageProperties;
import dev.sendout.core.config.InvalidSetting;
import dev.sendout.core.config.ProviderMode;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;

/**
 * Reads the provider settings as soon as the worker's environment is prepared, before it connects
 * to anything: a worker that could only fail its sends stops at once, with one line naming the
 * missing setting ({@link InvalidSetting}), instead of first waiting for Temporal or running
 * half-configured. In live mode ({@link ProviderMode}) the providers' addresses must be set too.
 */
class ProviderSettingsCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    ConfigurableEnvironment environment = event.getEnvironment();
    ProviderMode mode = ProviderMode.of(environment);
    if (mode == ProviderMode.LIVE && !environment.acceptsProfiles(Profiles.of("live"))) {
      // worker.yml's live profile is what takes the sandbox's defaults away.
      throw InvalidSetting.invalid(
          "SPRING_PROFILES_ACTIVE",
          "it replaces the profile live that SENDOUT_PROVIDERS=live selects; add live to it",
          null);
    }
    mode.require(
        environment,
        "sendout.sendgrid.base-url",
        "SENDGRID_BASE_URL",
        null,
        "the worker sends email to SendGrid at this address, https://api.sendgrid.com");
    Binder settings = Binder.get(environment);
    settings.bindOrCreate("sendout.sendgrid", SendGridProperties.class);
    mode.require(
        environment,
        "sendout.vonage.base-url",
        "VONAGE_BASE_URL",
        null,
        "the worker sends SMS to Vonage at this address, https://api.nexmo.com");
    settings.bindOrCreate("sendout.vonage", VonageProperties.class);
    mode.require(
        environment,
        "sendout.unsubscribe.public-url",
        "SENDOUT_PUBLIC_URL",
        null,
        "every email's one-click unsubscribe link points at the api at this address");
    String publicUrl = environment.getProperty("sendout.unsubscribe.public-url", "");
    if (mode == ProviderMode.LIVE && !publicUrl.regionMatches(true, 0, "https://", 0, 8)) {
      // RFC 8058: a List-Unsubscribe-Post link must be HTTPS, or Gmail and Yahoo ignore it.
      throw InvalidSetting.invalid(
          "SENDOUT_PUBLIC_URL",
          "with real providers it must be an https address: mailbox providers offer one-click"
              + " unsubscribe (RFC 8058) only for an HTTPS link",
          null);
    }
    mode.require(
        environment,
        "sendout.unsubscribe.secret",
        "SENDOUT_UNSUBSCRIBE_SECRET",
        "SANDBOX_UNSUBSCRIBE_SECRET",
        "the worker signs every email's one-click unsubscribe link with it, the api checks them");
  }
}
