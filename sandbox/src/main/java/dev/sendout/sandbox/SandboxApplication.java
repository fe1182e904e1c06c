package dev.sendout.sandbox;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A fake of the third-party messaging APIs the engine talks to, speaking their real wire formats so
 * the production clients can be pointed at it unchanged.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SandboxApplication {

  /**
   * Several Spring apps share one classpath in this project, so each reads its own config file name
   * instead of the shared application.yml.
   */
  public static final String CONFIG_NAME = "spring.config.name=sandbox";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplication application() {
    return new SpringApplicationBuilder(SandboxApplication.class).properties(CONFIG_NAME).build();
  }
}
