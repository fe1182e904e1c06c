package dev.sendout.core;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One real Postgres per test JVM: the embedded one, or the server named by {@code
 * TEST_DATABASE_URL}. Tests use fresh ids, so they share it without stepping on each other.
 */
public final class TestDatabase {

  private static String url;

  private TestDatabase() {}

  public static synchronized String url() {
    if (url == null) {
      String configured = System.getenv("TEST_DATABASE_URL");
      if (configured != null && !configured.isBlank()) {
        url = configured;
      } else {
        try {
          EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres)));
          url = postgres.getJdbcUrl("postgres", "postgres");
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot start embedded Postgres", e);
        }
      }
    }
    return url;
  }

  private static void close(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      // The JVM is exiting; the embedded server's directory is temporary anyway.
    }
  }
}
