package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.core.content.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

class IdempotencyTest {

  private final ObjectMapper json = JsonMapper.builder().build();
  private final Idempotency idempotency = new Idempotency(json);

  private final ObjectWriter sorted =
      json.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /**
   * Fingerprints are stored with each Idempotency-Key, so a retry after an upgrade must find the
   * same one: the streamed digest is the SHA-256 of the JSON string (its maps' entries in the order
   * of their keys), for characters outside Latin-1 and the BMP and a lone surrogate (which UTF-8
   * writes as '?') too; and one stored before the entries were sorted still matches.
   */
  @Test
  void theStreamedFingerprintIsTheOneOfTheJsonStringStoredBefore() {
    for (Object request :
        List.of(
            Map.of("name", "Zoë Ångström", "variables", Map.of("x", "日本語")),
            Map.of("name", "emoji 😀 and a lone \ud800 surrogate"),
            List.of(Map.of("email", "a@example.com"), Map.of("email", "b@example.com")))) {
      String fingerprint = idempotency.fingerprint(request);
      assertThat(fingerprint)
          .as("%s", request)
          .isEqualTo(Sha256.hex(sorted.writeValueAsString(request)));
      assertThat(
              idempotency.matches(
                  request, fingerprint, Sha256.hex(json.writeValueAsString(request))))
          .as("stored unsorted: %s", request)
          .isTrue();
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
          .isEqualTo(Sha256.hex(sorted.writeValueAsString(request)));
    }
  }

  /** {"a":"1","b":"2"} and {"b":"2","a":"1"} were two requests: a retry was refused 422. */
  @Test
  void theOrderOfAMapsEntriesIsNotAChange() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    String first = idempotency.fingerprint(Map.of("variables", ab));
    assertThat(idempotency.fingerprint(Map.of("variables", ba))).isEqualTo(first);
    // A fingerprint stored before the entries were sorted, of b before a, still matches.
    String storedBefore = Sha256.hex(json.writeValueAsString(Map.of("variables", ba)));
    assertThat(storedBefore).isNotEqualTo(first);
    assertThat(idempotency.matches(Map.of("variables", ba), first, storedBefore)).isTrue();
    assertThat(
            idempotency.matches(
                Map.of("variables", Map.of("a", "2")),
                idempotency.fingerprint(Map.of("variables", Map.of("a", "2"))),
                first))
        .isFalse();
  }

  @Test
  void differentRequestsHaveDifferentFingerprints() {
    assertThat(idempotency.fingerprint(Map.of("email", "a@example.com")))
        .isNotEqualTo(idempotency.fingerprint(Map.of("email", "b@example.com")));
  }

  /** A key sent in UTF-8 reaches us as Latin-1, and was kept and quoted back garbled. */
  @Test
  void aKeyMustBePrintableAscii() {
    assertThatCode(() -> idempotency.checkKey("order-42 / retry #1")).doesNotThrowAnyException();
    assertThatCode(() -> idempotency.checkKey(null)).doesNotThrowAnyException();
    String utf8AsLatin1 =
        new String("ключ".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    for (String key : List.of(utf8AsLatin1, "tab\there", "", " ", "k".repeat(256))) {
      assertThatThrownBy(() -> idempotency.checkKey(key))
          .as(key)
          .isInstanceOf(ApiProblem.class)
          .hasMessageContaining("Idempotency-Key");
    }
  }
}
