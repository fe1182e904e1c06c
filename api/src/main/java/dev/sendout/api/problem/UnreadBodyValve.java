package dev.sendout.api.problem;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
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
 * turned into every request thread held and health checks timing out. A body that has come whole,
 * the usual small one answered 429 in an overload, is still read, so that its caller's connection
 * goes on: closing it would have every refused caller reconnect.
 */
final class UnreadBodyValve extends ValveBase {

  UnreadBodyValve() {
    super(true);
  }

  @Override
  public void invoke(Request request, Response response) throws IOException, ServletException {
    getNext().invoke(request, response);
    org.apache.coyote.Request coyote = request.getCoyoteRequest();
    if (response.getStatus() == HttpServletResponse.SC_REQUEST_TIMEOUT || stillToCome(coyote)) {
      coyote.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
    }
  }

  /**
   * Whether part of the request's body has still not reached the server after {@link
   * #ARRIVAL_WAIT}. The wait is for a client that sends its headers and its small body in two
   * writes, and was answered in between: its body is on its way, and its connection goes on.
   */
  static boolean stillToCome(org.apache.coyote.Request request) {
    long deadline = System.nanoTime() + ARRIVAL_WAIT.toNanos();
    while (!request.isFinished()) {
      long length = request.getContentLengthLong();
      if (length < 0) {
        return true; // chunked: whether its end has come cannot be told without reading it
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
}
