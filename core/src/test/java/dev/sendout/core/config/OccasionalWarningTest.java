package dev.sendout.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sendout.core.CapturedLog;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OccasionalWarningTest {

  private final OccasionalWarning warning =
      new OccasionalWarning(LoggerFactory.getLogger(OccasionalWarningTest.class));

  @Test
  void aWarningRepeatedWithinTheGapIsCountedNotWrittenAndTheRecoveryIsSaidOnce() {
    AtomicInteger built = new AtomicInteger();
    try (CapturedLog log = CapturedLog.of(OccasionalWarningTest.class)) {
      for (int i = 0; i < 50; i++) {
        warning.warn(() -> "Database down " + built.incrementAndGet());
      }
      warning.recovered("Database back");
      warning.recovered("Database back");
      warning.warn(() -> "Database down again");

      assertThat(log.events())
          .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
          .containsExactly(
              tuple(Level.WARN, "Database down 1 (0 more such since the last line)"),
              tuple(Level.INFO, "Database back (49 more had failed since the last warning)"),
              tuple(Level.WARN, "Database down again (0 more such since the last line)"));
    }
    assertThat(built).as("a line left out is not even built").hasValue(1);
  }

  @Test
  void nothingIsSaidOfARecoveryWithoutAWarningBeforeIt() {
    try (CapturedLog log = CapturedLog.of(OccasionalWarningTest.class)) {
      warning.recovered("Database back");

      assertThat(log.events()).isEmpty();
    }
  }
}
