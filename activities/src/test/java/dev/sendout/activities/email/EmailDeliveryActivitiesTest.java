package dev.sendout.activities.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sendout.activities.DeliveryActivitiesTestBase;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.workflows.batch.DeliveryFailure;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.sendout.SendTally;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The email delivery activity in Temporal's activity environment, on real Postgres and a WireMock
 * SendGrid.
 */
class EmailDeliveryActivitiesTest extends DeliveryActivitiesTestBase<EmailDeliveryActivities> {

  private static final WireMockServer sendGrid = startedProvider();

  @DynamicPropertySource
  static void sendGridAddress(DynamicPropertyRegistry registry) {
    registry.add("sendout.sendgrid.base-url", () -> "http://127.0.0.1:" + sendGrid.port());
  }

  @AfterAll
  static void stopSendGrid() {
    sendGrid.stop();
  }

  @Override
  protected WireMockServer provider() {
    return sendGrid;
  }

  @Override
  protected NewSendout sendout(int recipients) {
    return emailSendout(recipients);
  }

  private void sendGridAnswers(int status, String header, String value) {
    sendGrid.stubFor(
        post("/v3/mail/send")
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader(header, value)
                    .withBody(
                        "{\"errors\":[{\"message\":\"answer "
                            + status
                            + "\",\"field\":\"from.email\"}]}")));
  }

  @Test
  void acceptedBatchRecordsEveryMessageAsAcceptedWithSendGridsId() {
    UUID id = releasedSendout(5);
    sendGridAnswers(202, "X-Message-Id", "sg-1");

    SendTally tally = delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 5));

    assertThat(tally).isEqualTo(new SendTally(5, 0, 0));
    assertThat(all(id))
        .allSatisfy(
            m -> {
              assertThat(m.status()).isEqualTo(ACCEPTED);
              assertThat(m.providerMessageId()).isEqualTo("sg-1");
            });
    sendGrid.verify(1, postRequestedFor(urlEqualTo("/v3/mail/send")));
  }

  @Test
  void retryOfACompletedBatchSendsNothingAgain() {
    UUID id = releasedSendout(3);
    sendGridAnswers(202, "X-Message-Id", "sg-1");
    delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 3));

    SendTally again = delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 3));

    assertThat(again).isEqualTo(new SendTally(3, 0, 0));
    sendGrid.verify(1, postRequestedFor(urlEqualTo("/v3/mail/send")));
  }

  /**
   * Found by a crash drill: a sendout paused while its last batch was in flight, whose call then
   * broke off (a worker killed), stayed SENDING and paused with every message delivered, its
   * batch's retry refused for the pause, until someone resumed it. A pause holds what is left to
   * send; a batch with nothing left ends.
   */
  @Test
  void aPausedSendoutsBatchWaitsWhileItHasMessagesToSendAndEndsWhenItHasNone() {
    UUID id = releasedSendout(3);
    sendGridAnswers(202, "X-Message-Id", "sg-1");
    db.update(SENDOUT)
        .set(SENDOUT.PAUSED_AT, OffsetDateTime.now())
        .where(SENDOUT.ID.eq(id))
        .execute();

    ApplicationFailure waiting = failureOf(new SendBatch(id.toString(), 0, 0, 3));
    assertThat(waiting.getType()).isEqualTo(DeliveryFailure.SENDOUT_PAUSED.name());
    sendGrid.verify(0, postRequestedFor(urlEqualTo("/v3/mail/send")));

    db.update(SENDOUT).setNull(SENDOUT.PAUSED_AT).where(SENDOUT.ID.eq(id)).execute();
    delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 3));
    db.update(SENDOUT)
        .set(SENDOUT.PAUSED_AT, OffsetDateTime.now())
        .where(SENDOUT.ID.eq(id))
        .execute();

    assertThat(delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 3)))
        .isEqualTo(new SendTally(3, 0, 0));
    sendGrid.verify(1, postRequestedFor(urlEqualTo("/v3/mail/send")));
  }

  @Test
  void throttledBatchFailsRetryablyAfterSendGridsDelayAndKeepsItsMessagesForTheRetry() {
    UUID id = releasedSendout(2);
    sendGridAnswers(429, "X-RateLimit-Reset", String.valueOf(Instant.now().getEpochSecond() + 30));

    ApplicationFailure failure = failureOf(new SendBatch(id.toString(), 0, 0, 2));
    assertThat(failure.getType()).isEqualTo(DeliveryFailure.PROVIDER_THROTTLED.name());
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getNextRetryDelay())
        .isBetween(Duration.ofSeconds(25), Duration.ofSeconds(31));
    assertThat(all(id))
        .allSatisfy(
            m -> {
              assertThat(m.status()).isEqualTo(RELEASED);
              assertThat(m.lastError()).contains("429");
            });

    sendGridAnswers(202, "X-Message-Id", "sg-2");
    assertThat(delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 2)))
        .isEqualTo(new SendTally(2, 0, 0));
  }

  @Test
  void aBatchOfTwoContentsWhoseFirstRequestFailsGivesTheSecondBackForTheRetryToSend() {
    UUID id = releasedSendout(5);
    // Messages 3 and 4 are the first reminder's: their own SendGrid request, after the
    // invitations'.
    db.update(SENDOUT)
        .set(SENDOUT.REMINDERS, JSONB.valueOf("[{\"after\":\"P3D\",\"subject\":\"Reminder\"}]"))
        .where(SENDOUT.ID.eq(id))
        .execute();
    db.update(MESSAGE)
        .set(MESSAGE.REMINDER_INDEX, (short) 0)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.ge(3))
        .execute();
    sendGridAnswers(503, "X-Ignored", "x");

    assertThatThrownBy(() -> delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 5)))
        .isInstanceOf(ActivityFailure.class);
    sendGrid.verify(1, postRequestedFor(urlEqualTo("/v3/mail/send")));

    sendGridAnswers(202, "X-Message-Id", "sg-2");
    // Left claimed, the reminders would have been taken for in flight and made UNCONFIRMED.
    assertThat(delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 5)))
        .isEqualTo(new SendTally(5, 0, 0));
    assertThat(all(id)).extracting(StoredMessage::status).containsOnly(ACCEPTED);
    sendGrid.verify(3, postRequestedFor(urlEqualTo("/v3/mail/send")));
  }

  /** The failure the batch's call ends in, which Temporal retries. */
  private ApplicationFailure failureOf(SendBatch batch) {
    Throwable thrown = catchThrowable(() -> delivery.sendBatch(batch));
    assertThat(thrown).isInstanceOf(ActivityFailure.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown.getCause();
  }

  /** Released in its window, called after it closed (a pause till the evening): sent at night. */
  @Test
  void aBatchOutsideItsRecipientsWindowSendsNothingAndIsRetriedWithinTenMinutes() {
    UUID id = releasedSendout(2);
    windowFromNow(id, 2, 3);
    sendGridAnswers(202, "X-Message-Id", "sg-1");

    ApplicationFailure failure = failureOf(new SendBatch(id.toString(), 0, 0, 2));
    assertThat(failure.getType()).isEqualTo(DeliveryFailure.OUTSIDE_WINDOW.name());
    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofMinutes(10));
    sendGrid.verify(0, postRequestedFor(urlEqualTo("/v3/mail/send")));
    assertThat(all(id))
        .allSatisfy(
            m -> {
              assertThat(m.status()).isEqualTo(RELEASED);
              assertThat(m.waitingForWindowUntil()).isAfter(Instant.now().plusSeconds(3000));
            });

    windowFromNow(id, -1, 1);
    assertThat(delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 2)))
        .isEqualTo(new SendTally(2, 0, 0));
  }

  @Test
  void permanentRefusalFailsTheMessagesWithSendGridsReasonWithoutFailingTheActivity() {
    UUID id = releasedSendout(2);
    sendGridAnswers(400, "X-Ignored", "x");

    SendTally tally = delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 2));

    assertThat(tally).isEqualTo(new SendTally(0, 2, 0));
    assertThat(all(id))
        .allSatisfy(
            m -> {
              assertThat(m.status()).isEqualTo(FAILED);
              assertThat(m.lastError()).isEqualTo("SendGrid 400: answer 400 (from.email)");
              assertThat(m.finishedAt()).isNotNull();
            });
  }

  @Test
  void retryAfterAnAttemptDiedMidCallNeverSendsThoseMessagesAgain() {
    UUID id = releasedSendout(3);
    deliveries.claimForSend(id, 0, 0, 3);
    sendGridAnswers(202, "X-Message-Id", "sg-1");

    SendTally tally = delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 3));

    assertThat(tally).isEqualTo(new SendTally(0, 0, 3));
    assertThat(all(id)).extracting(StoredMessage::status).containsOnly(UNCONFIRMED);
    sendGrid.verify(0, postRequestedFor(urlEqualTo("/v3/mail/send")));
  }

  @Test
  void timedOutCallLeavesItsMessagesUnconfirmedRatherThanRiskingADuplicate() {
    UUID id = releasedSendout(2);
    sendGrid.stubFor(
        post("/v3/mail/send").willReturn(aResponse().withStatus(202).withFixedDelay(3_000)));

    SendTally tally = delivery.sendBatch(new SendBatch(id.toString(), 0, 0, 2));

    assertThat(tally).isEqualTo(new SendTally(0, 0, 2));
    assertThat(all(id)).allSatisfy(m -> assertThat(m.lastError()).contains("outcome unknown"));
  }
}
