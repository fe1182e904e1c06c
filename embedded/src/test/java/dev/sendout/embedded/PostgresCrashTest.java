package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded Postgres, killed with SIGKILL (postmaster and every child at once), keeps every
 * commit it acknowledged: a drill that killed it under a sendout found claims lost (a batch sent
 * twice on the restart) and a release lost (the sendout COMPLETED with all its messages QUEUED),
 * with zonky's {@code synchronous_commit=off}.
 */
class PostgresCrashTest {

  @TempDir Path state;

  @Test
  void everyAcknowledgedCommitSurvivesAKillOfTheWholeServer() throws Exception {
    Path data = state.resolve("postgres");
    Files.createDirectories(data);
    EmbeddedPostgres postgres = EmbeddedEngine.postgresBuilder(data).start();
    int acknowledged = 0;
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        var statement = connection.createStatement()) {
      statement.execute("create table claim (id int primary key)");
      // Each insert its own transaction, acknowledged when execute returns (autocommit), right up
      // to the kill: an unwritten commit is one of the last few.
      for (int id = 1; id <= 3_000; id++) {
        statement.execute("insert into claim values (" + id + ")");
        acknowledged = id;
      }
      ProcessHandle postmaster =
          ProcessHandle.of(
                  Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0)))
              .orElseThrow();
      List<ProcessHandle> all =
          Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList();
      all.forEach(ProcessHandle::destroyForcibly);
      all.forEach(process -> process.onExit().join());
    } finally {
      try {
        postgres.close();
      } catch (Exception alreadyGone) {
        // Its pg_ctl finds no server to stop.
      }
    }

    try (EmbeddedPostgres restarted = EmbeddedEngine.postgresBuilder(data).start();
        Connection connection = restarted.getPostgresDatabase().getConnection();
        var count = connection.createStatement().executeQuery("select count(*) from claim")) {
      count.next();
      assertThat(count.getInt(1)).isEqualTo(acknowledged);
    }
  }
}
