package dev.sendout.api.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void aByteOrderMarkFirstIsSkippedAndOneElsewhereKept() throws Exception {
    assertThat(read("\uFEFFa\nb".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo("a\nb");
    assertThat(read("a\uFEFF\n".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo("a\uFEFF\n");
    assertThat(read("\uFEFF".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEmpty();
    // A caller with room for one character gets the first after the mark.
    try (Reader reader =
        new StrictText(
            new ByteArrayInputStream("\uFEFFa".getBytes(StandardCharsets.UTF_8)),
            StandardCharsets.UTF_8)) {
      assertThat(reader.read()).isEqualTo('a');
      assertThat(reader.read()).isEqualTo(-1);
    }
  }

  @Test
  void bytesThatAreNotTextInItsCharsetAreRefusedNamingTheirLine() {
    // Windows-1252 sent as UTF-8: on line 1; on line 3, in the first read; on line 4, past it;
    // with lines that end in \r alone, as a Macintosh spreadsheet's export does.
    String bad = "Jos\u00e9\n";
    String[] texts = {
      bad, "a\r\nb\r\n" + bad, "a".repeat(10_000) + "\nb\nc\n" + bad, "a\rb\r" + bad.trim()
    };
    int[] lines = {1, 3, 4, 3};

    for (int i = 0; i < texts.length; i++) {
      byte[] bytes = texts[i].getBytes(StandardCharsets.ISO_8859_1);
      int line = lines[i];
      assertThatThrownBy(() -> read(bytes, StandardCharsets.UTF_8))
          .isInstanceOfSatisfying(
              StrictText.NotText.class,
              problem -> {
                assertThat(problem.errors().get(0).pointer()).isEqualTo("#line=" + line);
                assertThat(problem.reason()).startsWith("is not UTF-8 text");
              });
    }
  }

  @Test
  void aCallerWithRoomForOneCharacterGetsAPairOfSurrogatesHalfByHalf() throws Exception {
    String text = "a😀b\n😀";
    StringBuilder read = new StringBuilder();
    try (Reader reader =
        new StrictText(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            StandardCharsets.UTF_8)) {
      for (int c = reader.read(); c >= 0; c = reader.read()) {
        read.append((char) c);
      }
    }

    assertThat(read.toString()).isEqualTo(text);
  }
}
