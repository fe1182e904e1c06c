package dev.sendout.core;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What one class's logger writes while a test runs: {@code try (CapturedLog log =
 * CapturedLog.of(X.class)) { … log.events() … }}.
 */
public final class CapturedLog implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLog(Logger logger) {
    this.logger = logger;
    appender.start();
    logger.addAppender(appender);
  }

  public static CapturedLog of(Class<?> type) {
    return new CapturedLog((Logger) LoggerFactory.getLogger(type));
  }

  /** The events written so far, in order. */
  public List<ILoggingEvent> events() {
    return appender.list;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
