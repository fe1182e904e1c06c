package dev.sendout.api.problem;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.net.ApplicationBufferHandler;

/**
 * After a refusal, reads what is left of the request's body if it comes at once, and otherwise
 * tells Tomcat not to read it: the connection is closed once the answer is written, as Tomcat does
 * itself after a 413. Left to itself, Tomcat reads the body to its end before the connection's next
 * request, at the pace of the client that sends it, holding the request thread meanwhile: after a
 * 408 for a body that came too slowly ({@link RequestBodyLimitFilter}), and after any answer given
 * before the body came (a link nothing answers, an unsigned webhook, a 429), which 210 callers
 * sending a byte a second turned into every request thread held and health checks timing out.
 *
 * <p>A body that comes within {@link #DRAIN_WAIT}, the usual one of a webhook call or an addition
 * answered 429 in an overload, is read here, so that its caller's connection goes on: the answer is
 * written by then, without {@code Connection: close}, and a client that sent its next request on
 * the same connection would find it closed. A success is left alone: its handler reads its body
 * (the unsubscribe link's too), and Tomcat would make it a 500.
 */
final class UnreadBodyValve extends ValveBase {

  /**
   * How long the rest of a refused request's body may take to come before its connection closes.
   */
  static final Duration DRAIN_WAIT = Duration.ofMillis(500);

  /**
   * The most of a refused body read here; a larger rest closes the connection instead. Twice the
   * default {@code max-body-size} (8 MB), so that a JSON body over that limit is read and its 413
   * reaches the caller: a connection closed while the client was still sending could be reset
   * before the client read the answer, and a 9 MB create in an end-to-end test (CI, under load) got
   * no answer at all. A rest beyond it still closes the connection, with that race.
   */
  static final long MAX_DRAIN = 16L * 1024 * 1024;

  UnreadBodyValve() {
    super(true);
  }

  @Override
  public void invoke(Request request, Response response) throws IOException, ServletException {
    getNext().invoke(request, response);
    // Only after a refusal: Tomcat makes an answer below 400 a 500 when it is told not to read the
    // rest (a success's body is read by its handler, bounded by RequestBodyLimitFilter).
    if (response.getStatus() >= 400 && !drained(request)) {
      request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
    }
  }

  /**
   * Whether the request's body has been read to its end, here if need be: what has come is read at
   * once, and what is still to come is waited for up to {@link #DRAIN_WAIT}. False for a chunked
   * body, whose end cannot be told without reading it.
   */
  static boolean drained(Request request) {
    org.apache.coyote.Request coyote = request.getCoyoteRequest();
    if (coyote.isFinished()) {
      return true;
    }
    long length = coyote.getContentLengthLong();
    if (length < 0 || length - coyote.getBytesRead() > MAX_DRAIN) {
      return false;
    }
    if (coyote.getBytesRead() == 0
        && "100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      // Its caller waits for 100 Continue before it sends the body, and gets the refusal instead
      // (TomcatProblemReports): no body is coming, so none is waited for.
      return false;
    }
    long deadline = System.nanoTime() + DRAIN_WAIT.toNanos();
    // Read from the connector's request, under the servlet's stream, which its handler may have
    // closed: what comes is dropped.
    Discarded sink = new Discarded();
    try {
      while (!coyote.isFinished()) {
        // Reads into Tomcat's buffer what the socket holds, without waiting for more.
        coyote.action(ActionCode.AVAILABLE, Boolean.TRUE);
        if (coyote.getAvailable() > 0) {
          if (coyote.doRead(sink) < 0) {
            return true;
          }
        } else if (System.nanoTime() > deadline) {
          return false;
        } else {
          Thread.sleep(5);
        }
      }
      return true;
    } catch (IOException e) {
      return false; // the connection broke off
    } catch (IllegalArgumentException e) {
      // A request whose head Tomcat refused (a header too large) has no body it can read: Tomcat
      // threw at the read, and logged each such request at ERROR, by anyone, without a key.
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Where a drained body's bytes go: Tomcat hands over its buffer, which is then let go. */
  private static final class Discarded implements ApplicationBufferHandler {
    private ByteBuffer buffer = ByteBuffer.allocate(0);

    @Override
    public void setByteBuffer(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public ByteBuffer getByteBuffer() {
      return buffer;
    }

    @Override
    public void expand(int size) {}
  }
}
