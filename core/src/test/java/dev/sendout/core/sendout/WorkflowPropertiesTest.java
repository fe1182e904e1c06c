package dev.sendout.core.sendout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.config.InvalidSetting;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Settings every sendout's workflow starts with are refused as the app starts, naming their
 * variable, rather than when the first sendout after its 202 fails to start.
 */
class WorkflowPropertiesTest {

  private static final Duration GRACE = Duration.ofMinutes(10);

  @Test
  void valuesAWorkflowCannotStartWithStopTheStartNamingTheirVariable() {
    assertThat(new WorkflowProperties(1000, 8, 2000, GRACE).batchSize()).isEqualTo(1000);
    assertThatThrownBy(() -> new WorkflowProperties(2000, 8, 2000, GRACE))
        .isInstanceOfSatisfying(
            InvalidSetting.class,
            e -> assertThat(e.variable()).isEqualTo("SENDOUT_WORKFLOW_BATCHSIZE"));
    assertThatThrownBy(() -> new WorkflowProperties(1000, 0, 2000, GRACE))
        .hasMessageStartingWith("SENDOUT_WORKFLOW_MAXBATCHESINFLIGHT is invalid");
    assertThatThrownBy(() -> new WorkflowProperties(1000, 8, 10, GRACE))
        .hasMessageStartingWith("SENDOUT_WORKFLOW_CONTINUEASNEWAFTEREVENTS is invalid");
    assertThatThrownBy(() -> new WorkflowProperties(1000, 8, 2000, Duration.ofMinutes(-1)))
        .hasMessageStartingWith("SENDOUT_RELEASE_GRACE is invalid");
  }
}
