package dev.sendout.api.problem;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * After a 408 for a body that came too slowly ({@link RequestBodyLimitFilter}), tells Tomcat not to
 * read the rest of it: the connection is closed once the answer is written, as Tomcat does itself
 * after a 413. Otherwise Tomcat would read the body to its end before the next request, at the pace
 * of the client that trickles it, and hold the request thread for that long.
 */
final class UnreadBodyValve extends ValveBase {

  UnreadBodyValve() {
    super(true);
  }

  @Override
  public void invoke(Request request, Response response) throws IOException, ServletException {
    getNext().invoke(request, response);
    if (response.getStatus() == HttpServletResponse.SC_REQUEST_TIMEOUT) {
      request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
    }
  }
}
