package dev.sendout.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sendout.workflows.sendout.SupportRefusal;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RefusalsAreNotFailuresTest {

  @Test
  void aRefusedActionIsNotLoggedAsAFailureAndEveryOtherWarningIs() {
    var filter = new RefusalsAreNotFailures();
    var context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger sdk = context.getLogger(RefusalsAreNotFailures.LOGGER);
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    sdk.addAppender(appender);
    try {
      String format = "Workflow execution failure WorkflowId='{}', RunId={}, WorkflowType='{}'";
      sdk.warn(
          format,
          "sendout-1",
          "run",
          "SendoutWorkflow",
          ApplicationFailure.newNonRetryableFailure("paused already", SupportRefusal.WRONG_STATE));
      sdk.warn(
          format,
          "sendout-2",
          "run",
          "SendoutWorkflow",
          ApplicationFailure.newNonRetryableFailure("The cancel was not taken", "StoreRefused"));
      sdk.warn(format, "sendout-3", "run", "SendoutWorkflow", new IllegalStateException("bug"));
      context.getLogger("some.other.Logger").addAppender(appender);
      context
          .getLogger("some.other.Logger")
          .warn(
              "x", ApplicationFailure.newNonRetryableFailure("paused", SupportRefusal.WRONG_STATE));

      assertThat(appender.list)
          .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  Level.WARN,
                  "Workflow execution failure WorkflowId='sendout-2', RunId=run,"
                      + " WorkflowType='SendoutWorkflow'"),
              org.assertj.core.groups.Tuple.tuple(
                  Level.WARN,
                  "Workflow execution failure WorkflowId='sendout-3', RunId=run,"
                      + " WorkflowType='SendoutWorkflow'"),
              org.assertj.core.groups.Tuple.tuple(Level.WARN, "x"));
    } finally {
      sdk.detachAppender(appender);
      context.getLogger("some.other.Logger").detachAppender(appender);
      filter.destroy();
    }
  }
}
