package dev.sendout.api;

import dev.sendout.api.receipt.LiveWebhookKeysCheck;
import dev.sendout.core.CoreConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The REST API: a Temporal client only, it hosts no workers. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Import(CoreConfiguration.class)
public class ApiApplication {

  /** The config files this app reads: shared settings first, then its own. */
  public static final String CONFIG_NAME = "spring.config.name=common,api";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplication application() {
    return new SpringApplicationBuilder(ApiApplication.class)
        .properties(CONFIG_NAME)
        .listeners(new LiveWebhookKeysCheck())
        .build();
  }
}
