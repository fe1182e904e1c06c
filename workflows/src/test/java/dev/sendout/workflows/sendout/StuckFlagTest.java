package dev.sendout.workflows.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StuckFlagTest {

  private static final Instant SINCE = Instant.parse("2026-03-02T09:00:00Z");
  private static final SupportAction ANN = new SupportAction("ann", "seen");

  private static WatchdogFindings.Finding finding(StuckReason reason) {
    return new WatchdogFindings.Finding(reason, SINCE, 2, reason.name());
  }

  @Test
  void aReasonThatComesAfterTheAcknowledgementFlagsTheSendoutAgain() {
    StuckFlag stuck = new StuckFlag(StuckFlag.State.NONE, true); // NO_RECEIPT
    stuck.acknowledge(ANN, true);
    assertThat(stuck.isStuck()).isFalse();

    stuck.watchdog(List.of(finding(StuckReason.RECEIPT_LATE)));

    assertThat(stuck.reason()).isEqualTo(StuckReason.NO_RECEIPT);
    assertThat(stuck.isStuck()).isTrue();
    assertThat(stuck.acknowledged()).isNull();
    stuck.acknowledge(ANN, true);
    assertThat(stuck.isStuck()).isFalse();
  }

  @Test
  void anAcknowledgementCoversEveryReasonThereWasAndStaysWhileOnlyThoseRemain() {
    StuckFlag stuck = new StuckFlag(StuckFlag.State.NONE, true);
    stuck.watchdog(List.of(finding(StuckReason.RECEIPT_LATE)));
    stuck.acknowledge(ANN, true);

    stuck.batchesStuck(false); // NO_RECEIPT gone, RECEIPT_LATE still there

    assertThat(stuck.isStuck()).isFalse();
    assertThat(stuck.acknowledged()).isEqualTo(ANN);
  }

  @Test
  void aRunAcknowledgedBeforeTheChangeKeepsCoveringTheFirstReasonOnly() {
    StuckFlag stuck = new StuckFlag(StuckFlag.State.NONE, true);
    stuck.acknowledge(ANN, false);

    stuck.watchdog(List.of(finding(StuckReason.RECEIPT_LATE)));

    assertThat(stuck.isStuck())
        .as("as such runs replay: the first reason is acknowledged")
        .isFalse();
  }
}
