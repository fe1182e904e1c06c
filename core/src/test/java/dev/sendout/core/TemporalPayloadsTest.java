package dev.sendout.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;

/**
 * A payload written by a newer version of a record, with a field this version lacks, is read with
 * that field ignored (a rolling deploy, a rollback); the SDK's own converter refuses it.
 */
class TemporalPayloadsTest {

  record Newer(int messageCount, boolean keptSent) {}

  record Older(int messageCount) {}

  @Test
  void aFieldThisVersionDoesNotKnowIsIgnored() {
    Payload newer =
        CoreConfiguration.temporalPayloads().toPayload(new Newer(3, true)).orElseThrow();

    assertThat(CoreConfiguration.temporalPayloads().fromPayload(newer, Older.class, Older.class))
        .isEqualTo(new Older(3));
    DataConverter sdkDefault = DefaultDataConverter.STANDARD_INSTANCE;
    assertThatThrownBy(() -> sdkDefault.fromPayload(newer, Older.class, Older.class))
        .isInstanceOf(DataConverterException.class);
  }

  @Test
  void writesWhatTheSdksOwnConverterWrites() {
    Payload ours = CoreConfiguration.temporalPayloads().toPayload(new Newer(3, true)).orElseThrow();
    Payload sdk =
        DefaultDataConverter.STANDARD_INSTANCE.toPayload(new Newer(3, true)).orElseThrow();

    assertThat(ours).isEqualTo(sdk);
  }
}
