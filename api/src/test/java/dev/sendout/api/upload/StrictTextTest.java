package dev.sendout.api.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import java.io.ByteArrayInputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictTextTest {

  private static String read(byte[] bytes, java.nio.charset.Charset charset) throws Exception {
    StringWriter text = new StringWriter();
    try (Reader reader = new StrictText(new ByteArrayInputStream(bytes), charset)) {
      reader.transferTo(text);
    }
    return text.toString();
  }

  @Test
  void textInItsCharsetIsReadWhole() throws Exception {
    String text = "José,Zoë\n東京,😀\n".repeat(2_000);

    assertThat(read(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(text);
    assertThat(
            read(
                "José\n".getBytes(StandardCharsets.ISO_8859_1),
                java.nio.charset.Charset.forName("windows-1252")))
        .isEqualTo("José\n");
  }

  @Test
  void bytesThatAreNotTextInItsCharsetAreRefusedNamingTheirLine() {
    // Line 3 is Windows-1252 sent as UTF-8, far enough in that the first read decodes lines 1-2.
    byte[] bytes =
        ("a".repeat(5_000) + "\nb\nJos" + "\u00e9" + "\nd\n").getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> read(bytes, StandardCharsets.UTF_8))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> {
              assertThat(problem.errors().get(0).pointer()).isEqualTo("#line=3");
              assertThat(problem.errors().get(0).detail()).startsWith("is not UTF-8 text");
            });
  }
}
