package dev.sendout.workflows.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StartBatchTest {

  private static final SendBatch BATCH = new SendBatch("s1", 2, 200, 203);
  private static final Duration DAY = Duration.ofHours(24);

  @Test
  void anEmailBatchIsOneCallAndAnSmsBatchOneCallPerMessage() {
    assertThat(StartBatch.of(BATCH, "email", 1000, DAY).calls()).containsExactly(BATCH);
    assertThat(StartBatch.of(BATCH, "sms", 1, DAY).calls())
        .containsExactly(
            new SendBatch("s1", 2, 200, 201),
            new SendBatch("s1", 2, 201, 202),
            new SendBatch("s1", 2, 202, 203));
  }

  @Test
  void messagesPerCallAndTheReceiptTimeoutAreRequired() {
    assertThatThrownBy(() -> StartBatch.of(BATCH, "sms", 0, DAY))
        .hasMessage("messagesPerCall must be positive");
    assertThatThrownBy(() -> StartBatch.of(BATCH, "sms", 1, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> StartBatch.of(BATCH, "sms", 1, Duration.ZERO))
        .hasMessage("receiptTimeout must be positive");
  }
}
