package dev.sendout.core.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UnsubscribeTokensTest {

  private final UnsubscribeTokens tokens =
      new UnsubscribeTokens("the-engine-secret-of-at-least-32-chars");

  @Test
  void aTokenIsCompactUrlSafeAndNamesItsMessage() {
    UUID id = UUID.randomUUID();
    String token = tokens.issue(id);

    assertThat(token).matches("[A-Za-z0-9_-]{44}");
    assertThat(tokens.verify(token)).contains(id);
  }

  @Test
  void tokensIssuedOnManyThreadsAtOnceAreTheOnesIssuedOnOne() throws Exception {
    List<UUID> ids = IntStream.range(0, 2_000).mapToObj(i -> UUID.randomUUID()).toList();
    List<String> serial = ids.stream().map(tokens::issue).toList();

    ForkJoinPool pool = new ForkJoinPool(8);
    List<String> parallel;
    try {
      parallel = pool.submit(() -> ids.parallelStream().map(tokens::issue).toList()).get();
    } finally {
      pool.shutdown();
    }

    assertThat(parallel).isEqualTo(serial);
    assertThat(serial.stream().map(tokens::verify).map(o -> o.orElseThrow()).toList())
        .isEqualTo(ids);
  }

  @Test
  void everyAlteredCharacterIsRefused() {
    String token = tokens.issue(UUID.randomUUID());
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      String altered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
      assertThat(tokens.verify(altered)).as("changed at %d", i).isEmpty();
    }
  }

  @Test
  void aTokenSignedWithAnotherSecretIsRefused() {
    String forged =
        new UnsubscribeTokens("another-secret-of-at-least-32-characters").issue(UUID.randomUUID());

    assertThat(tokens.verify(forged)).isEmpty();
  }

  @Test
  void malformedTokensAreRefusedWithoutAnError() {
    assertThat(tokens.verify("")).isEmpty();
    assertThat(tokens.verify("not base64!")).isEmpty();
    assertThat(tokens.verify("AAAA")).isEmpty();
    assertThat(tokens.verify("x".repeat(10_000))).isEmpty();
    assertThat(tokens.verify(null)).isEmpty();
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> new UnsubscribeTokens("short"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
