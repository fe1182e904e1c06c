package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.receipt.MessageSettlement.Unconfirmed;
import dev.sendout.core.watchdog.StuckSendouts.OpenFinding;
import dev.sendout.workflows.sendout.StuckReason;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code stuck} in a sendout's view says what needs a person, as the Web UI's {@code Stuck}. */
class SendoutViewStuckTest {

  private static final Instant T = Instant.parse("2026-12-06T09:00:00Z");
  private static final Unconfirmed SAMPLE = new Unconfirmed(104, T, List.of(UUID.randomUUID()));

  private static OpenFinding finding(StuckReason reason, Instant acknowledgedAt) {
    return new OpenFinding(
        reason, "found", 104, T, T, T, acknowledgedAt, acknowledgedAt == null ? null : "ann", "ok");
  }

  @Test
  void unconfirmedMessagesAreStuckUntilTheirFindingIsAcknowledged() {
    var unacknowledged =
        SendoutView.stuck(SAMPLE, true, List.of(finding(StuckReason.NO_RECEIPT, null)));
    var notFoundYet = SendoutView.stuck(SAMPLE, true, List.of());

    assertThat(unacknowledged.reason()).isEqualTo(StuckReason.NO_RECEIPT);
    assertThat(unacknowledged.messages()).isEqualTo(104);
    assertThat(notFoundYet.reason()).isEqualTo(StuckReason.NO_RECEIPT);
  }

  /**
   * Found by the docs audit: after an acknowledgement the Web UI showed Stuck=false while the API's
   * {@code stuck} still named NO_RECEIPT, with nothing saying it was acknowledged.
   */
  @Test
  void anAcknowledgedNoReceiptIsNoLongerStuckButAnotherReasonStill() {
    var acknowledged =
        SendoutView.stuck(
            SAMPLE, true, List.of(finding(StuckReason.NO_RECEIPT, T.plusSeconds(60))));
    var withAnother =
        SendoutView.stuck(
            SAMPLE,
            true,
            List.of(
                finding(StuckReason.NO_RECEIPT, T.plusSeconds(60)),
                finding(StuckReason.NOT_SENT, null)));

    assertThat(acknowledged).isNull();
    assertThat(withAnother.reasons())
        .extracting(SendoutView.Reason::reason)
        .containsExactly(StuckReason.NOT_SENT);
  }

  /**
   * A support drill: with messages QUEUED past their grace and others unconfirmed, the sample of
   * unconfirmed ids stood under NOT_RELEASED as if they were the messages not released.
   */
  @Test
  void theSampleIsOfUnconfirmedMessagesOnlyWhenTheyAreTheFirstReason() {
    var notReleasedFirst =
        SendoutView.stuck(
            SAMPLE,
            true,
            List.of(
                finding(StuckReason.NOT_RELEASED, null), finding(StuckReason.NO_RECEIPT, null)));
    var noReceiptOnly =
        SendoutView.stuck(SAMPLE, true, List.of(finding(StuckReason.NO_RECEIPT, null)));

    assertThat(notReleasedFirst.reason()).isEqualTo(StuckReason.NOT_RELEASED);
    assertThat(notReleasedFirst.sample()).isEmpty();
    assertThat(noReceiptOnly.sample()).isEqualTo(SAMPLE.sample());
  }

  /**
   * The second reader: the watchdog's NO_RECEIPT finding can outlive the last unconfirmed message
   * (a late receipt before its next pass, or messages still ACCEPTED past their deadline), and the
   * sendout's view failed with a 500.
   */
  @Test
  void aNoReceiptFindingWithoutUnconfirmedMessagesIsStuckWithNoSample() {
    var stuck = SendoutView.stuck(null, true, List.of(finding(StuckReason.NO_RECEIPT, null)));

    assertThat(stuck.reason()).isEqualTo(StuckReason.NO_RECEIPT);
    assertThat(stuck.messages()).isEqualTo(104);
    assertThat(stuck.sample()).isEmpty();
  }

  /** Found by a hostile sweep: COMPLETED, every message DELIVERED, and still NO_RECEIPT. */
  @Test
  void aNoReceiptFindingOfASendoutAwaitingNoReceiptIsOutOfDate() {
    var delivered =
        SendoutView.stuck(
            null,
            false,
            List.of(finding(StuckReason.NO_RECEIPT, null), finding(StuckReason.NOT_SENT, null)));

    assertThat(delivered.reasons())
        .extracting(SendoutView.Reason::reason)
        .containsExactly(StuckReason.NOT_SENT);
    assertThat(SendoutView.stuck(null, false, List.of(finding(StuckReason.NO_RECEIPT, null))))
        .isNull();
  }
}
