package dev.sendout.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.sendout.workflows.sendout.SupportRefusal;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Keeps a refused support action out of the log as a "Workflow execution failure". The SDK logs
 * every exception an Update's validator throws at WARN with its stack trace, under the logger it
 * uses for workflows that really fail; a pause of a paused sendout is a 409 for its caller ({@link
 * SupportRefusal#WRONG_STATE}), and nothing failed. Any caller could otherwise fill the log with
 * thirty lines a request. Every other WARN of that logger stays. Removed again when its context
 * closes, so that the contexts of one JVM (tests, the embedded engine) do not pile copies.
 */
@Component
public class RefusalsAreNotFailures extends TurboFilter implements DisposableBean {

  /** The SDK's logger for workflow failures, validators' included. */
  static final String LOGGER = "io.temporal.internal.sync.WorkflowExecutionHandler";

  public RefusalsAreNotFailures() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.addTurboFilter(this);
      start();
    }
  }

  @Override
  public void destroy() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getTurboFilterList().remove(this);
    }
    stop();
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.WARN || !LOGGER.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    Object last =
        t != null ? t : params == null || params.length == 0 ? null : params[params.length - 1];
    return last instanceof ApplicationFailure failure && SupportRefusal.isRefusal(failure)
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}
