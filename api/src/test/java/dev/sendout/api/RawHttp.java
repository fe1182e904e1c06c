package dev.sendout.api;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 replies read straight off a socket, for tests that need what a client library hides: a
 * body left half-sent, a connection kept or closed. Read every reply of one connection from the
 * same stream.
 */
public final class RawHttp {

  private RawHttp() {}

  /** A reply's status, headers (names in lower case) and body. */
  public record Reply(int status, Map<String, String> headers, String body) {
    /** The header's value, or "" when the reply has none. */
    public String header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }
  }

  /** The next reply on the connection, chunked or with a Content-Length. */
  public static Reply read(DataInputStream in) throws IOException {
    int status = Integer.parseInt(line(in).split(" ")[1]);
    Map<String, String> headers = new HashMap<>();
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      headers.put(
          header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT),
          header.substring(header.indexOf(':') + 1).trim());
    }
    var body = new ByteArrayOutputStream();
    if (headers.getOrDefault("transfer-encoding", "").equalsIgnoreCase("chunked")) {
      for (int size = Integer.parseInt(line(in).trim(), 16);
          size > 0;
          size = Integer.parseInt(line(in).trim(), 16)) {
        body.write(in.readNBytes(size));
        line(in);
      }
      line(in);
    } else if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    }
    return new Reply(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  private static String line(DataInputStream in) throws IOException {
    var line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("The server closed the connection mid-reply");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
