package dev.sendout.core.temporal;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Whether the Temporal frontend answers, as the {@code temporal} component of {@code
 * /actuator/health}. What an unreachable Temporal means depends on the app: the worker can do
 * nothing without it ({@code DOWN}); the api keeps accepting sendouts into its outbox and starts
 * them when Temporal returns, so it reports {@code DEGRADED}, which still answers 200 and keeps it
 * in a load balancer's rotation.
 */
@Component("temporalHealthIndicator")
public class TemporalHealthIndicator implements HealthIndicator {

  private static final long TIMEOUT_MILLIS = 2_000;

  private final WorkflowServiceStubs temporal;
  private final Status whenUnreachable;

  public TemporalHealthIndicator(
      WorkflowServiceStubs temporal,
      @Value("${sendout.health.temporal-unreachable:DOWN}") String whenUnreachable) {
    this.temporal = temporal;
    this.whenUnreachable = new Status(whenUnreachable);
  }

  @Override
  public Health health() {
    try {
      var info =
          temporal
              .blockingStub()
              .withDeadlineAfter(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return Health.up().withDetail("serverVersion", info.getServerVersion()).build();
    } catch (RuntimeException e) {
      return Health.status(whenUnreachable)
          .withDetail("error", e.getClass().getSimpleName())
          .build();
    }
  }
}
