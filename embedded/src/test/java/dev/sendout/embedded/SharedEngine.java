package dev.sendout.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One engine with the default settings, shared by the end-to-end tests that need nothing else:
 * started by the first of them, stopped when the test JVM exits.
 */
final class SharedEngine {

  private static EmbeddedEngine engine;

  private SharedEngine() {}

  static synchronized EmbeddedEngine get() {
    if (engine == null) {
      try {
        engine = EmbeddedEngine.start(EmbeddedEngine.Settings.ephemeral());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "shared-engine-shutdown"));
    }
    return engine;
  }
}
