package dev.sendout.activities;

import dev.sendout.activities.email.SendGridProperties;
import dev.sendout.activities.sendout.WorkflowProperties;
import dev.sendout.activities.sms.VonageProperties;
import dev.sendout.activities.watchdog.WatchdogProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * Everything the worker needs to run the activities: the store (see {@code StoreConfiguration},
 * found by the scan) and the provider adapters.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan
@EnableConfigurationProperties({
  SendGridProperties.class,
  VonageProperties.class,
  WorkflowProperties.class,
  WatchdogProperties.class
})
public class ActivitiesConfiguration {}
