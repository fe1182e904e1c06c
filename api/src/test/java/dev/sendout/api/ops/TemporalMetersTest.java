package dev.sendout.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.CoreConfiguration;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Temporal SDK times an Update's call with an {@code update_name} tag and the poll of its
 * result under the same name without it: Prometheus refused the second, and the support actions'
 * Update latency was missing from every scrape.
 */
class TemporalMetersTest {

  @Test
  void anUpdatesCallAndThePollOfItsResultAreBothScraped() {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(CoreConfiguration.temporalMeterTags());
    Tags common = Tags.of("namespace", "default");

    registry
        .timer(
            "temporal_long_request_latency",
            common.and("operation", "UpdateWorkflowExecution", "update_name", "pause"))
        .record(Duration.ofMillis(5));
    registry
        .timer(
            "temporal_long_request_latency", common.and("operation", "PollWorkflowExecutionUpdate"))
        .record(Duration.ofMillis(7));

    assertThat(registry.scrape())
        .contains(
            "operation=\"UpdateWorkflowExecution\"", "operation=\"PollWorkflowExecutionUpdate\"")
        .doesNotContain("update_name");
  }
}
