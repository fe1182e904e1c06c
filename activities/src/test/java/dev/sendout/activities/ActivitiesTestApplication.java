package dev.sendout.activities;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The activities wired as the worker wires them, for tests against real Postgres. */
@SpringBootApplication
public class ActivitiesTestApplication {

  public static void main(String[] args) {
    new SpringApplicationBuilder(ActivitiesTestApplication.class).run(args);
  }
}
