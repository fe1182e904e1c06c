package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Postgres that an earlier run left on the state directory (its JVM killed with kill -9) is
 * stopped before a new one starts there, even with a session busy in a long statement: a drill
 * found the new one refused ("pre-existing shared memory block is still in use") after the old
 * postmaster was killed and one of its backends was not.
 */
class LeftoverPostgresTest {

  @TempDir Path state;

  /**
   * @param postmasterGone the postmaster was killed already (the old stop's SIGKILL, or an OOM
   *     kill), and only its busy backend is left
   */
  @ParameterizedTest(name = "postmaster gone: {0}")
  @ValueSource(booleans = {false, true})
  void aLeftoverWithABusySessionIsStoppedAndANewOneStartsOnItsData(boolean postmasterGone)
      throws Exception {
    Path data = state.resolve("postgres");
    Files.createDirectories(data);
    EmbeddedPostgres leftover = EmbeddedEngine.postgresBuilder(data).start();
    long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0));
    List<ProcessHandle> backends;
    Connection busy = leftover.getPostgresDatabase().getConnection();
    CompletableFuture<Void> statement =
        CompletableFuture.runAsync(
            () -> {
              try (var s = busy.createStatement()) {
                // Busy, not waiting: a backend notices its postmaster's death only when it waits,
                // as one running a long UPDATE does not.
                s.execute("select count(*) from generate_series(1, 100000000000)");
              } catch (Exception endedByTheStop) {
                // What the stop does to the dead run's sessions.
              }
            });
    Thread.sleep(500);
    backends = ProcessHandle.of(postmaster).orElseThrow().descendants().toList();
    if (postmasterGone) {
      ProcessHandle killed = ProcessHandle.of(postmaster).orElseThrow();
      killed.destroyForcibly();
      killed.onExit().join();
      assertThat(backends)
          .as("a busy backend outlives its postmaster")
          .anyMatch(ProcessHandle::isAlive);
    }

    EmbeddedEngine.stopLeftoverPostmaster(data);

    assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(backends).noneMatch(ProcessHandle::isAlive);
    statement.join();
    busy.close();
    // Gives up the lock this JVM holds on the data directory, as a killed one would have.
    try {
      leftover.close();
    } catch (Exception alreadyStopped) {
      // Its pg_ctl finds no server to stop.
    }
    try (EmbeddedPostgres next = EmbeddedEngine.postgresBuilder(data).start();
        Connection connection = next.getPostgresDatabase().getConnection();
        var query = connection.createStatement().executeQuery("select 1")) {
      assertThat(query.next()).isTrue();
    }
  }
}
