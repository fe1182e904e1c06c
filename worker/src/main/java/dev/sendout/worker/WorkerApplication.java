package dev.sendout.worker;

import dev.sendout.activities.ActivitiesConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/** Hosts the Temporal workers: the sendout and batch workflows and their activities. */
@SpringBootApplication
@Import(ActivitiesConfiguration.class)
public class WorkerApplication {

  /** The config files this app reads: shared settings first, then its own. */
  public static final String CONFIG_NAME = "spring.config.name=common,worker";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplication application() {
    return new SpringApplicationBuilder(WorkerApplication.class)
        .properties(CONFIG_NAME)
        .listeners(new ProviderSettingsCheck())
        .build();
  }
}
