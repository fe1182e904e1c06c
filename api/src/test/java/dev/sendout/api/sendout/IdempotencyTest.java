package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.content.Sha256;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

class IdempotencyTest {

  private final ObjectMapper json = JsonMapper.builder().build();
  private final Idempotency idempotency = new Idempotency(json);

  /**
   * Fingerprints are stored with each Idempotency-Key, so a retry after an upgrade must find the
   * same one: the streamed digest is the SHA-256 of the JSON string as it was built before, for
   * characters outside Latin-1 and the BMP and a lone surrogate (which UTF-8 writes as '?') too.
   */
  @Test
  void theStreamedFingerprintIsTheOneOfTheJsonStringStoredBefore() {
    for (Object request :
        List.of(
            Map.of("name", "Zoë Ångström", "variables", Map.of("x", "日本語")),
            Map.of("name", "emoji 😀 and a lone \ud800 surrogate"),
            List.of(Map.of("email", "a@example.com"), Map.of("email", "b@example.com")))) {
      assertThat(idempotency.fingerprint(request))
          .as("%s", request)
          .isEqualTo(Sha256.hex(json.writeValueAsString(request)));
    }
  }

  /** The writer's and the digest's buffers end mid-character: pairs and surrogates across them. */
  @Test
  void aLongRequestHasTheFingerprintOfItsJsonString() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 100_000; i++) {
      text.append("ab\"c ").append(i % 7 == 0 ? "\ud800" : "é").append("😀 日").append(i);
    }
    for (int shift = 0; shift < 4; shift++) {
      Object request =
          Map.of("name", "x".repeat(shift) + text, "variables", Map.of("k", text.toString()));
      assertThat(idempotency.fingerprint(request))
          .isEqualTo(Sha256.hex(json.writeValueAsString(request)));
    }
  }

  @Test
  void differentRequestsHaveDifferentFingerprints() {
    assertThat(idempotency.fingerprint(Map.of("email", "a@example.com")))
        .isNotEqualTo(idempotency.fingerprint(Map.of("email", "b@example.com")));
  }
}
