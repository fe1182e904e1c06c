package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One engine per state directory: a second one would take the first's Postgres for a killed run's
 * leftover and stop it.
 */
class StateLockTest {

  @TempDir Path state;

  @Test
  void aSecondEngineOnTheSameStateIsRefusedUntilTheFirstLetsGo() throws Exception {
    FileChannel first = EmbeddedEngine.lockState(state);

    assertThatThrownBy(() -> EmbeddedEngine.lockState(state))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Another engine runs on " + state);

    first.close();
    try (FileChannel second = EmbeddedEngine.lockState(state)) {
      assertThat(second.isOpen()).isTrue();
    }
  }
}
