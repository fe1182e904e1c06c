package dev.sendout.core;

import dev.sendout.core.sendout.WorkflowProperties;
import dev.sendout.core.unsubscribe.UnsubscribeProperties;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * The domain, for both apps: the Postgres store of every feature, the sendout starter (a Temporal
 * client) and the Temporal health indicator. The api imports this alone; the worker adds the
 * activities and the provider senders on top ({@code ActivitiesConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan
@EnableConfigurationProperties({WorkflowProperties.class, UnsubscribeProperties.class})
public class CoreConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
