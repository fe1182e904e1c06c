package dev.sendout.core;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The domain and its store, for tests against real Postgres. */
@SpringBootApplication
public class CoreTestApplication {

  public static void main(String[] args) {
    new SpringApplicationBuilder(CoreTestApplication.class).run(args);
  }
}
