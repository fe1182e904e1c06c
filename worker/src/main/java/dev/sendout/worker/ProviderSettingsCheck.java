package dev.sendout.worker;

import dev.sendout.activities.email.SendGridProperties;
import dev.sendout.activities.sms.VonageProperties;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;

/**
 * Reads the provider settings as soon as the worker's environment is prepared, before it connects
 * to anything: a worker that could only fail its sends stops at once, with one line naming the
 * missing setting ({@link dev.sendout.core.config.InvalidSetting}), instead of first waiting for
 * Temporal or running half-configured.
 */
class ProviderSettingsCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    Binder settings = Binder.get(event.getEnvironment());
    settings.bindOrCreate("sendout.sendgrid", SendGridProperties.class);
    settings.bindOrCreate("sendout.vonage", VonageProperties.class);
  }
}
