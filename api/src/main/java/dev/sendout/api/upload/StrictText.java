package dev.sendout.api.upload;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.problem.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.List;

/**
 * The text of an upload, decoded in the charset it declared, strictly: bytes that are not text in
 * that charset (a spreadsheet's Windows-1252 export sent as UTF-8) are refused as a problem naming
 * their line ({@link NotText}), where an {@code InputStreamReader} would store U+FFFD in their
 * place. The line is counted here, from the characters handed out before the bad bytes, which is
 * why this is not an {@code InputStreamReader} with a reporting decoder: that one drops the
 * characters it decoded in the same read as the error. Lines end at {@code \n}, {@code \r\n} or
 * {@code \r}, as the readers of the text end them. A byte order mark first is skipped: editors and
 * spreadsheet programs ("CSV UTF-8") put one there, and it is no part of the first line or of the
 * first column's name.
 */
public final class StrictText extends Reader {

  /** Bytes that are not text in the upload's charset, on line {@link #line}. */
  public static final class NotText extends ApiProblem {
    private final int line;
    private final String reason;

    NotText(int line, String reason) {
      super(
          ProblemType.INVALID_REQUEST,
          "#line=" + line + ": " + reason,
          List.of(new FieldProblem("#line=" + line, reason)));
      this.line = line;
      this.reason = reason;
    }

    public int line() {
      return line;
    }

    public String reason() {
      return reason;
    }
  }

  private final InputStream in;
  private final CharsetDecoder decoder;
  private final ByteBuffer bytes = ByteBuffer.allocate(8192).flip();

  /** A pair's second half, when the caller had room for one character only. */
  private final CharBuffer pair = CharBuffer.allocate(2).flip();

  private boolean started;
  private boolean endOfInput;
  private boolean flushed;
  private boolean malformed;
  private int line = 1;
  private boolean afterCarriageReturn;

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
    CharBuffer out = CharBuffer.wrap(buffer, offset, length);
    if (pair.hasRemaining()) {
      out.put(pair.get());
    }
    while (out.position() == offset && !malformed) {
      if (flushed) {
        return -1;
      }
      // Room for one character only: a pair of surrogates is decoded aside, and handed out half
      // by half.
      CharBuffer into = out.remaining() < 2 ? pair.clear() : out;
      CoderResult result = decoder.decode(bytes, into, endOfInput);
      if (into == pair) {
        pair.flip();
        if (pair.hasRemaining()) {
          out.put(pair.get());
        }
      }
      if (result.isError()) {
        malformed = true;
      } else if (result.isUnderflow()) {
        if (endOfInput) {
          // What a stateful decoder would still hold: none of the JDK's holds characters here (a
          // truncated sequence is an error of the last decode), so nothing is lost for want of
          // room.
          decoder.flush(out);
          flushed = true;
        } else {
          fill();
        }
      }
    }
    int read = out.position() - offset;
    if (!started && read > 0) {
      started = true;
      if (buffer[offset] == '\uFEFF') {
        System.arraycopy(buffer, offset + 1, buffer, offset, --read);
        if (read == 0) {
          return read(buffer, offset, length);
        }
      }
    }
    count(buffer, offset, read);
    if (read == 0) {
      throw new NotText(
          line,
          ("is not %s text; if the file is in another charset, name it in the Content-Type (for"
                  + " example charset=windows-1252)")
              .formatted(decoder.charset().name()));
    }
    return read;
  }

  private void count(char[] buffer, int offset, int read) {
    for (int i = offset; i < offset + read; i++) {
      char c = buffer[i];
      if (c == '\r' || (c == '\n' && !afterCarriageReturn)) {
        line++;
      }
      afterCarriageReturn = c == '\r';
    }
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

  @Override
  public void close() throws IOException {
    in.close();
  }
}
