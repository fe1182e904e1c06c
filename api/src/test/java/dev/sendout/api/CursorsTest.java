package dev.sendout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CursorsTest {

  private static final String KIND = "t:";

  private static Map.Entry<Instant, String> read(String cursor) {
    return Cursors.placeOfTimeAndId(cursor, KIND, Map::entry);
  }

  @Test
  void aTimeAndIdCursorReadsBackTheMicrosecondAndTheId() {
    Instant at = Instant.parse("2026-12-07T02:03:04.123456789Z");

    String cursor = Cursors.ofTimeAndId(KIND, at, 42L);

    assertThat(read(cursor))
        .isEqualTo(Map.entry(Instant.parse("2026-12-07T02:03:04.123456Z"), "42"));
    assertThat(read(null)).isNull();
    assertThat(read("")).isNull();
  }

  @Test
  void aTimeAndIdCursorWithoutAnIdOrRefusedByItsReaderIsNotOneThisApiIssued() {
    for (String forged : new String[] {"t:123", "t:x:1", "u:123:1"}) {
      String cursor =
          Base64.getUrlEncoder().encodeToString(forged.getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(() -> read(cursor))
          .as(forged)
          .isInstanceOf(ApiProblem.class)
          .hasMessageContaining("not a cursor this API issued");
    }
    String valid = Cursors.ofTimeAndId(KIND, Instant.EPOCH, 1);
    assertThatThrownBy(() -> Cursors.placeOfTimeAndId(valid, KIND, (at, id) -> null))
        .isInstanceOf(ApiProblem.class);
  }
}
