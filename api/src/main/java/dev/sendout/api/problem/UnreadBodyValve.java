package dev.sendout.api.problem;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.time.Duration;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * Tells Tomcat not to read the rest of a body the answer did not need, when that rest is still to
 * come: the connection is closed once the answer is written, as Tomcat does itself after a 413.
 * Otherwise Tomcat reads the body to its end before the connection's next request, at the pace of
 * the client that sends it, holding the request thread meanwhile: after a 408 for a body that came
 * too slowly ({@link RequestBodyLimitFilter}), and after any answer given before the body came (a
 * link nothing answers, an unsigned webhook, a 429), which 210 callers sending a byte a second
 * turned into every request thread held and health checks timing out. A small body that has come
 * whole, the usual one answered 429 in an overload, is still read, so that its caller's connection
 * goes on: closing it would have every refused caller reconnect. A success is left alone: its
 * handler reads its body (the unsubscribe link's too), and Tomcat would make it a 500.
 */
final class UnreadBodyValve extends ValveBase {

  UnreadBodyValve() {
    super(true);
  }

  @Override
  public void invoke(Request request, Response response) throws IOException, ServletException {
    getNext().invoke(request, response);
    org.apache.coyote.Request coyote = request.getCoyoteRequest();
    // Only after a refusal: Tomcat makes an answer below 400 a 500 when it is told not to read the
    // rest (a success's body is read by its handler, bounded by RequestBodyLimitFilter).
    if (response.getStatus() >= 400 && stillToCome(coyote)) {
      coyote.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
    }
  }

  /**
   * Whether part of the request's body has still not reached the server after {@link
   * #ARRIVAL_WAIT}. The wait is for a client that sends its headers and its small body in two
   * writes, and was answered in between: its body is on its way, and its connection goes on. A body
   * larger than {@link #SMALL_BODY} is not waited for: Tomcat's buffer holds only so much of it, so
   * its connection is closed whatever has come.
   */
  static boolean stillToCome(org.apache.coyote.Request request) {
    long deadline = System.nanoTime() + ARRIVAL_WAIT.toNanos();
    while (!request.isFinished()) {
      long length = request.getContentLengthLong();
      if (length < 0 || length - request.getBytesRead() > SMALL_BODY) {
        return true; // chunked, or large: whether its end has come cannot be told without reading
      }
      request.action(ActionCode.AVAILABLE, Boolean.TRUE); // reads what has come, never waits
      if (request.getAvailable() >= length - request.getBytesRead()) {
        return false;
      }
      if (System.nanoTime() > deadline) {
        return true;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    }
    return false;
  }

  /** How long a body still to come is waited for before its connection is closed instead. */
  static final Duration ARRIVAL_WAIT = Duration.ofMillis(100);

  /** The most of a body still to read that is waited for: what Tomcat's input buffer holds. */
  static final long SMALL_BODY = 8 * 1024;
}
