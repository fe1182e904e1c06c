package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded engine's unsubscribe secret outlives a restart on the same state: one made per start
 * turned every link already sent into a 404 after a restart.
 */
class UnsubscribeSecretTest {

  @Test
  void theSecretIsMadeOnceForAStateDirectoryAndReadableByItsOwnerAlone(@TempDir Path state)
      throws Exception {
    String first = EmbeddedEngine.keptUnsubscribeSecret(state);
    String again = EmbeddedEngine.keptUnsubscribeSecret(state);

    assertThat(first).hasSizeGreaterThanOrEqualTo(32).isEqualTo(again);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("unsubscribe-secret"))))
        .isEqualTo("rw-------");
    assertThat(EmbeddedEngine.keptUnsubscribeSecret(Files.createTempDirectory(state, "other")))
        .isNotEqualTo(first);
  }
}
