package dev.sendout.activities;

import dev.sendout.activities.email.SendGridProperties;
import dev.sendout.activities.sms.VonageProperties;
import dev.sendout.activities.watchdog.WatchdogProperties;
import dev.sendout.core.CoreConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Everything the worker needs to run the activities: the domain and the provider senders. */
@Configuration(proxyBeanMethods = false)
@ComponentScan
@Import(CoreConfiguration.class)
@EnableConfigurationProperties({
  SendGridProperties.class,
  VonageProperties.class,
  WatchdogProperties.class
})
public class ActivitiesConfiguration {}
