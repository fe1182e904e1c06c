package dev.sendout.core.delivery;

import static dev.sendout.workflows.batch.DeliveryFailure.PROVIDER_THROTTLED;
import static dev.sendout.workflows.batch.DeliveryFailure.PROVIDER_UNAVAILABLE;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sendout.core.CapturedLog;
import dev.sendout.core.StoreTest;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The provider error counter, where every channel's outcomes are recorded, on real Postgres. */
class SendRecorderTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired DeliveryStore deliveries;
  @Autowired MessageReads messages;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private SendRecorder recorder;

  @BeforeEach
  void setUp() {
    recorder = new SendRecorder(deliveries, meters);
  }

  /** Claims every message of a new released sendout, as a delivery activity does. */
  private List<UUID> claimed(NewSendout sendout) {
    UUID id = sendouts.create(sendout).sendout().id();
    sendouts.release(id);
    int count = sendout.recipients().size();
    return deliveries.claimForSend(id, 0, 0, count).stream().map(OutgoingMessage::id).toList();
  }

  private StoredMessage stored(UUID messageId, UUID sendoutId) {
    return messages.page(sendoutId, null, -1, 1000).stream()
        .filter(m -> m.id().equals(messageId))
        .findFirst()
        .orElseThrow();
  }

  private double errors(String provider, String code) {
    Counter counter =
        meters.find("sendout.provider.errors").tags("provider", provider, "code", code).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void refusedEmailCallIsCountedOnceByProviderAndStatusHoweverManyMessagesItCarried() {
    NewSendout sendout = emailSendout(3);
    List<UUID> ids = claimed(sendout);

    recorder.record(
        ids, SendOutcome.rejected("SendGrid 400: invalid", ProviderError.status("sendgrid", 400)));

    assertThat(errors("sendgrid", "400")).isEqualTo(1);
    assertThat(stored(ids.get(0), sendout.id()).status()).isEqualTo(FAILED);
  }

  @Test
  void throttledAndUnreachableCallsAreCountedAlthoughTheActivityFails() {
    List<UUID> first = claimed(smsSendout(1));
    List<UUID> second = claimed(smsSendout(1));

    assertThatThrownBy(
            () ->
                recorder.record(
                    first,
                    SendOutcome.throttled(
                        "Vonage 429", Duration.ofSeconds(1), ProviderError.status("vonage", 429))))
        .isInstanceOf(ApplicationFailure.class);
    assertThatThrownBy(
            () ->
                recorder.record(
                    second,
                    SendOutcome.unavailable(
                        "Vonage unreachable",
                        ProviderError.noAnswer("vonage", new ConnectException("refused")))))
        .isInstanceOf(ApplicationFailure.class);

    assertThat(errors("vonage", "429")).isEqualTo(1);
    assertThat(errors("vonage", "io")).isEqualTo(1);
  }

  /**
   * A call the provider did not take is retried as a wait is: one line of ours says what the
   * provider answered, and the failure is benign, which the SDK logs at DEBUG (at WARN it logged a
   * 27-line stack trace at every retry of an outage).
   */
  @Test
  void aCallTheProviderDidNotTakeIsLoggedInOneLineAndRetriedWithoutTheSdksWarning() {
    NewSendout sendout = emailSendout(3);
    List<UUID> ids = claimed(sendout);
    try (CapturedLog log = CapturedLog.of(SendRecorder.class)) {
      assertThatThrownBy(
              () ->
                  recorder.record(
                      ids,
                      SendOutcome.unavailable(
                          "SendGrid 401: bad credentials", ProviderError.status("sendgrid", 401))))
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              failure -> {
                assertThat(failure.getType()).isEqualTo(PROVIDER_UNAVAILABLE.name());
                assertThat(failure.getOriginalMessage()).isEqualTo("SendGrid 401: bad credentials");
                assertThat(failure.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);
                assertThat(failure.getNextRetryDelay()).isNull();
              });
      assertThatThrownBy(
              () ->
                  recorder.record(
                      ids,
                      SendOutcome.throttled(
                          "SendGrid 429",
                          Duration.ofSeconds(7),
                          ProviderError.status("sendgrid", 429))))
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              failure -> {
                assertThat(failure.getType()).isEqualTo(PROVIDER_THROTTLED.name());
                assertThat(failure.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);
                assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(7));
              });

      assertThat(log.events())
          .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
          .containsExactly(
              tuple(
                  Level.WARN,
                  "A provider call not taken (3 messages), to be retried:"
                      + " SendGrid 401: bad credentials"),
              tuple(
                  Level.WARN,
                  "A provider call not taken (3 messages), to be retried: SendGrid 429"));
      assertThat(log.events()).allMatch(event -> event.getThrowableProxy() == null);
      assertThat(stored(ids.get(0), sendout.id()).status()).isEqualTo(RELEASED);
    }
  }

  @Test
  void callWithoutAnAnswerInTimeIsCountedAsTimeout() {
    NewSendout sendout = smsSendout(1);
    List<UUID> ids = claimed(sendout);

    recorder.record(
        ids,
        SendOutcome.inDoubt(
            "Send outcome unknown",
            ProviderError.noAnswer("vonage", new SocketTimeoutException("Read timed out"))));

    assertThat(errors("vonage", "timeout")).isEqualTo(1);
    assertThat(stored(ids.get(0), sendout.id()).status()).isEqualTo(UNCONFIRMED);
  }

  @Test
  void acceptedCallsAndRequestsNeverSentAreNoProviderErrors() {
    NewSendout sendout = emailSendout(1);
    List<UUID> accepted = claimed(sendout);
    List<UUID> unsendable = claimed(smsSendout(1));

    recorder.record(accepted, SendOutcome.accepted("sg-1"));
    recorder.record(unsendable, SendOutcome.notSendable("Not sendable: invalid number"));

    assertThat(meters.find("sendout.provider.errors").counters()).isEmpty();
    assertThat(stored(accepted.get(0), sendout.id()).status()).isEqualTo(ACCEPTED);
  }
}
