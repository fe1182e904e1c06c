package dev.sendout.api.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonLinesTest {

  @Test
  void linesEndAsBufferedReaderEndsThem() throws Exception {
    assertThat(all(new NdjsonLines(new StringReader("a\nb\r\nc\rd\n\ne"))))
        .containsExactly("a", "b", "c", "d", "", "e");
    assertThat(all(new NdjsonLines(new StringReader("")))).isEmpty();
  }

  @Test
  void aCarriageReturnAndItsLineFeedInDifferentReadsEndOneLine() throws Exception {
    // A reader that hands out one character a read, so that every line end straddles two.
    Reader trickle =
        new StringReader("a\r\nb\r\n") {
          @Override
          public int read(char[] buffer, int offset, int length) throws IOException {
            return super.read(buffer, offset, Math.min(length, 1));
          }
        };

    assertThat(all(new NdjsonLines(trickle))).containsExactly("a", "b");
  }

  @Test
  void aLinePastTheBoundIsSkippedAndNamedAndTheNextIsRead() throws Exception {
    String longest = "x".repeat(NdjsonLines.MAX_LINE);
    var lines = new NdjsonLines(new StringReader("a\n" + longest + "y\n" + longest + "\nb"));

    assertThat(lines.next()).isEqualTo("a");
    assertThatThrownBy(lines::next)
        .isInstanceOf(NdjsonLines.LineTooLong.class)
        .hasMessage("#line=2 is longer than 1048576 characters");
    assertThat(lines.number()).isEqualTo(2);
    assertThat(lines.next()).isEqualTo(longest);
    assertThat(lines.next()).isEqualTo("b");
    assertThat(lines.number()).isEqualTo(4);
    assertThat(lines.next()).isNull();
  }

  @Test
  void aLastLinePastTheBoundWithoutAnEndIsNamedToo() throws Exception {
    var lines = new NdjsonLines(new StringReader("x".repeat(NdjsonLines.MAX_LINE + 1)));

    assertThatThrownBy(lines::next).isInstanceOf(NdjsonLines.LineTooLong.class);
    assertThat(lines.next()).isNull();
  }

  private static List<String> all(NdjsonLines lines) throws Exception {
    List<String> all = new ArrayList<>();
    for (String line = lines.next(); line != null; line = lines.next()) {
      all.add(line);
    }
    return all;
  }
}
