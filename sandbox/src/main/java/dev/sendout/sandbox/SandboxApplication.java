package dev.sendout.sandbox;

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

  public static void main(String[] args) {
    // Several Spring apps share one classpath in this project, so each reads its own config file
    // name instead of the shared application.yml.
    new SpringApplicationBuilder(SandboxApplication.class)
        .properties("spring.config.name=sandbox")
        .run(args);
  }
}
