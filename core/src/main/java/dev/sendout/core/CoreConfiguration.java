package dev.sendout.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.sendout.core.sendout.WorkflowProperties;
import dev.sendout.core.unsubscribe.UnsubscribeProperties;
import io.micrometer.core.instrument.config.MeterFilter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
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

  /**
   * The Temporal SDK's meters without their {@code update_name} tag. The SDK registers one name
   * ({@code temporal_long_request_latency}) for an Update's call with that tag and for the poll of
   * its result without it; Prometheus takes one set of tag keys per name, so it refused the second
   * (a warning at each start) and the latency of the support actions' Updates was missing.
   */
  @Bean
  public static MeterFilter temporalMeterTags() {
    return MeterFilter.ignoreTags("update_name");
  }

  /**
   * Temporal's payloads as JSON, as the SDK writes them, but read leniently: a field that a newer
   * version of a record added (to a workflow's input, an activity's input or result, a query's
   * answer) is ignored by code that does not know it yet. Old and new workers so run side by side
   * during a rolling deploy, and a rollback does not wedge the workflows that the new code touched.
   * The SDK's own mapper fails on unknown properties. temporal-spring-boot-starter takes this bean
   * for the client and the workers of both apps.
   */
  @Bean
  static DataConverter temporalPayloads() {
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(
            new JacksonJsonPayloadConverter(
                JacksonJsonPayloadConverter.newDefaultObjectMapper()
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)));
  }
}
