package dev.sendout.workflows.sendout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.failure.ApplicationFailure;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SupportRulesTest {

  private static final SupportAction ANN = new SupportAction("ann", null);

  private static final SupportRules SENDING =
      new SupportRules(false, false, SendoutStatus.SENDING, false, false);

  private static void refused(ThrowingCallable check, String reason) {
    refused(check, reason, SupportRefusal.WRONG_STATE);
  }

  private static void refused(ThrowingCallable check, String reason, String type) {
    assertThatThrownBy(check)
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getOriginalMessage()).isEqualTo(reason);
              assertThat(failure.getType()).isEqualTo(type);
              assertThat(failure.isNonRetryable()).isTrue();
            });
  }

  @Test
  void aSendingSendoutAcceptsEveryActionButResumeAndAcknowledge() {
    assertThatCode(
            () -> {
              SENDING.checkPause();
              SENDING.checkCancel();
              SENDING.checkResend();
            })
        .doesNotThrowAnyException();
    refused(SENDING::checkResume, "The sendout is not paused");
    refused(
        SENDING::checkAcknowledge,
        "The sendout is not flagged stuck, or every flag it has is acknowledged already");
  }

  @Test
  void aClosedSurveyRefusesAResendAndTakesCancelAndAcknowledge() {
    SupportRules closed =
        new SupportRules(false, false, SendoutStatus.SENT, false, true, false, true);

    refused(closed::checkResend, "The survey has closed: nothing is sent again after it");
    assertThatCode(
            () -> {
              closed.checkCancel();
              closed.checkAcknowledge();
            })
        .doesNotThrowAnyException();
  }

  @Test
  void aFinishedSendoutRefusesEveryAction() {
    SupportRules finished = new SupportRules(true, false, SendoutStatus.SENT, true, true);

    refused(finished::checkPause, "The sendout has finished");
    refused(finished::checkResume, "The sendout has finished");
    refused(finished::checkCancel, "The sendout has finished");
    refused(finished::checkResend, "The sendout has finished");
    refused(finished::checkAcknowledge, "The sendout has finished");
  }

  @Test
  void aCancelledSendoutRefusesEveryActionButTheAcknowledgementOfItsFlag() {
    SupportRules cancelled = new SupportRules(false, true, SendoutStatus.CANCELLED, false, true);

    refused(cancelled::checkCancel, "The sendout is cancelled");
    refused(cancelled::checkResend, "The sendout is cancelled");
    refused(cancelled::checkPause, "The sendout is cancelled");
    // What it sent before the cancel went unconfirmed: nothing else clears its flag.
    assertThatCode(cancelled::checkAcknowledge).doesNotThrowAnyException();
    refused(
        new SupportRules(false, true, SendoutStatus.CANCELLED, false, false)::checkAcknowledge,
        "The sendout is not flagged stuck, or every flag it has is acknowledged already");
  }

  @Test
  void pauseIsRefusedTwiceAndOnceNothingIsLeftToSend() {
    refused(
        new SupportRules(false, false, SendoutStatus.SENDING, true, false)::checkPause,
        "The sendout is paused already");
    refused(
        new SupportRules(false, false, SendoutStatus.SENT, false, false)::checkPause,
        "Nothing is left to send: the sendout is SENT");
    assertThatCode(
            new SupportRules(false, false, SendoutStatus.SCHEDULED, false, false)::checkPause)
        .doesNotThrowAnyException();
  }

  @Test
  void aStuckSendoutCanBeAcknowledgedAndAPausedOneResumed() {
    SupportRules stuckAndPaused = new SupportRules(false, false, SendoutStatus.SENT, true, true);

    assertThatCode(stuckAndPaused::checkAcknowledge).doesNotThrowAnyException();
    assertThatCode(stuckAndPaused::checkResume).doesNotThrowAnyException();
  }

  /** Found by the fourth hostile sweep: "PAUSE on sendout … by victim@example.com" at INFO. */
  @Test
  void theLogShowsWhoAskedWithTheirAddressOrNumberMasked() {
    assertThat(SupportRules.forTheLog("victim@example.com")).isEqualTo("v***@example.com");
    assertThat(SupportRules.forTheLog("+44 7700 900123")).isEqualTo("***23");
    assertThat(SupportRules.forTheLog("api:support-desk")).isEqualTo("api:support-desk");
    assertThat(SupportRules.forTheLog(null)).isNull();
  }

  /** "by": "\u202Eevil" was taken, and the workflow's log line about it read reversed. */
  @Test
  void whoAsksIsOneLineWithoutABidirectionalOverride() {
    for (String by : new String[] {"\u202Eevil", "ann\u202D", "ann\nERROR forged"}) {
      assertThatThrownBy(() -> SupportRules.checkInput(new SupportAction(by, null), false))
          .as(by)
          .isInstanceOf(io.temporal.failure.ApplicationFailure.class);
    }
    assertThatCode(() -> SupportRules.checkInput(new SupportAction("אנה", null), false))
        .doesNotThrowAnyException();
  }
}
