package dev.sendout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

class Rfc3339Test {

  @Test
  void dateTimesWithAnOffsetAreTakenAsOffsetDateTimeTakesThem() {
    assertThat(Rfc3339.instant("2026-12-01T09:00:00Z"))
        .isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
    assertThat(Rfc3339.instant("2026-12-01t10:00:00.5+01:00"))
        .isEqualTo(Instant.parse("2026-12-01T09:00:00.5Z"));
  }

  /** Found by a hostile sweep: RFC 3339's own example of a leap second was refused. */
  @Test
  void aLeapSecondIsTakenAsTheSecondBeforeIt() {
    Instant last = Instant.parse("2016-12-31T23:59:59Z");
    assertThat(Rfc3339.instant("2016-12-31T23:59:60Z")).isEqualTo(last);
    assertThat(Rfc3339.instant("2016-12-31T23:59:60.25Z")).isEqualTo(last.plusMillis(250));
    assertThat(Rfc3339.instant("2016-12-31T15:59:60-08:00"))
        .as("RFC 3339's example")
        .isEqualTo(last);
  }

  @Test
  void aSixtiethSecondElsewhereAndOtherTextAreRefused() {
    for (String value :
        new String[] {
          "2016-12-31T12:59:60Z",
          "2016-12-31T23:59:60+01:00",
          "2016-12-31T23:59:61Z",
          "2016-12-31T23:59:60",
          "tomorrow"
        }) {
      assertThatThrownBy(() -> Rfc3339.instant(value))
          .as(value)
          .isInstanceOf(DateTimeParseException.class);
    }
  }
}
