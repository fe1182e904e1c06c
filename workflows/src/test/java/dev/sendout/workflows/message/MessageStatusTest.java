package dev.sendout.workflows.message;

import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.BOUNCED;
import static dev.sendout.workflows.message.MessageStatus.CANCELLED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.QUEUED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.SUPPRESSED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class MessageStatusTest {

  @Test
  void transitionsOnlyMoveForwardSoNoStateIsEverVisitedTwice() {
    for (MessageStatus from : MessageStatus.values()) {
      for (MessageStatus to : MessageStatus.values()) {
        if (from.canMoveTo(to)) {
          assertThat(to.ordinal()).as("%s -> %s", from, to).isGreaterThan(from.ordinal());
        }
      }
    }
  }

  @Test
  void theHappyPathIsAllowedStepByStep() {
    assertThat(QUEUED.canMoveTo(RELEASED)).isTrue();
    assertThat(RELEASED.canMoveTo(ACCEPTED)).isTrue();
    assertThat(ACCEPTED.canMoveTo(DELIVERED)).isTrue();
  }

  @Test
  void stepsCannotBeSkippedOrUndone() {
    assertThat(QUEUED.canMoveTo(ACCEPTED)).isFalse();
    assertThat(QUEUED.canMoveTo(DELIVERED)).isFalse();
    assertThat(ACCEPTED.canMoveTo(RELEASED)).isFalse();
    assertThat(DELIVERED.canMoveTo(FAILED)).isFalse();
    assertThat(ACCEPTED.canMoveTo(CANCELLED)).isFalse();
  }

  @Test
  void aLateReceiptCanStillSettleAnUnconfirmedMessage() {
    assertThat(ACCEPTED.canMoveTo(UNCONFIRMED)).isTrue();
    assertThat(UNCONFIRMED.canMoveTo(DELIVERED)).isTrue();
  }

  @Test
  void predecessorsAreExactlyTheStatesThatMayMoveToTheTarget() {
    assertThat(MessageStatus.predecessorsOf(RELEASED)).containsExactly(QUEUED);
    assertThat(MessageStatus.predecessorsOf(ACCEPTED)).containsExactly(RELEASED);
    assertThat(MessageStatus.predecessorsOf(UNCONFIRMED))
        .containsExactlyInAnyOrder(RELEASED, ACCEPTED);
    assertThat(MessageStatus.predecessorsOf(QUEUED)).isEmpty();
    for (MessageStatus target : MessageStatus.values()) {
      for (MessageStatus from : MessageStatus.predecessorsOf(target)) {
        assertThat(from.canMoveTo(target)).isTrue();
      }
    }
  }

  @Test
  void onlyUnconfirmedAndFailedMessagesMayBeSentAgain() {
    assertThat(EnumSet.allOf(MessageStatus.class).stream().filter(MessageStatus::isResendable))
        .containsExactlyInAnyOrder(UNCONFIRMED, FAILED);
  }

  @Test
  void onlyABounceLeavesDelivered() {
    for (MessageStatus to : MessageStatus.values()) {
      assertThat(DELIVERED.canMoveTo(to)).as("DELIVERED -> %s", to).isEqualTo(to == BOUNCED);
    }
  }

  @Test
  void unconfirmedAndAcceptedAreStillOpenWhileProviderVerdictsAreSettled() {
    assertThat(DELIVERED.isSettled()).isTrue();
    assertThat(BOUNCED.isSettled()).isTrue();
    assertThat(CANCELLED.isSettled()).isTrue();
    assertThat(UNCONFIRMED.isSettled()).isFalse();
    assertThat(ACCEPTED.isSettled()).isFalse();
    assertThat(RELEASED.isSettled()).isFalse();
  }

  @Test
  void suppressedIsReachedOnlyBeforeTheProviderCallAndIsFinalAndSettled() {
    assertThat(MessageStatus.predecessorsOf(SUPPRESSED))
        .containsExactlyInAnyOrder(QUEUED, RELEASED);
    for (MessageStatus to : MessageStatus.values()) {
      assertThat(SUPPRESSED.canMoveTo(to)).as("SUPPRESSED -> %s", to).isFalse();
    }
    assertThat(SUPPRESSED.isSettled()).isTrue();
    assertThat(SUPPRESSED.isResendable()).isFalse();
  }
}
