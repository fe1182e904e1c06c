package dev.sendout.api.upload;

import dev.sendout.api.problem.ApiProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * The text of an upload, decoded in the charset it declared, strictly: bytes that are not text in
 * that charset (a spreadsheet's Windows-1252 export sent as UTF-8) are refused as a problem naming
 * their line, where an {@code InputStreamReader} would store U+FFFD in their place. The line is
 * counted here, from the characters handed out before the bad bytes, which is why this is not an
 * {@code InputStreamReader} with a reporting decoder: that one drops the characters it decoded in
 * the same read as the error.
 */
public final class StrictText extends Reader {

  private final InputStream in;
  private final CharsetDecoder decoder;
  private final ByteBuffer bytes = ByteBuffer.allocate(8192).flip();
  private boolean endOfInput;
  private boolean flushed;
  private boolean malformed;
  private int line = 1;

  public StrictText(InputStream in, Charset charset) {
    this.in = in;
    this.decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (malformed) {
      throw notText();
    }
    CharBuffer out = CharBuffer.wrap(buffer, offset, length);
    while (out.position() == offset) {
      if (flushed) {
        return -1;
      }
      CoderResult result = decoder.decode(bytes, out, endOfInput);
      if (result.isError()) {
        malformed = true;
        break;
      }
      if (result.isOverflow()) {
        break;
      }
      if (endOfInput) {
        decoder.flush(out);
        flushed = true;
      } else {
        fill();
      }
    }
    int read = out.position() - offset;
    for (int i = offset; i < offset + read; i++) {
      if (buffer[i] == '\n') {
        line++;
      }
    }
    if (read == 0) {
      throw notText();
    }
    return read;
  }

  private void fill() throws IOException {
    bytes.compact();
    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (n < 0) {
      endOfInput = true;
    } else {
      bytes.position(bytes.position() + n);
    }
    bytes.flip();
  }

  private ApiProblem notText() {
    return ApiProblem.invalid(
        "#line=" + line,
        ("is not %s text; if the file is in another charset, name it in the Content-Type (for"
                + " example charset=windows-1252)")
            .formatted(decoder.charset().name()));
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
