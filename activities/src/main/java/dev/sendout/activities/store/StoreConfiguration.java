package dev.sendout.activities.store;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** The Postgres store alone, for the api, which reads and writes sendouts but sends nothing. */
@Configuration(proxyBeanMethods = false)
@ComponentScan
public class StoreConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
