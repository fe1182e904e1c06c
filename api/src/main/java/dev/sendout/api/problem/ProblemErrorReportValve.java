package dev.sendout.api.problem;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report for what it refuses before any servlet sees the request (a header too
 * large, an encoded slash in a path): a problem in JSON of this API's type for the status, in place
 * of Tomcat's HTML page.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  /** Every method some path of this API takes. */
  static final String ALLOWED = "GET, HEAD, POST, DELETE, OPTIONS";

  /**
   * Why Tomcat could not read a request, from its parser's exception, whose message is not echoed:
   * it may hold the request's target.
   */
  static String unread(Throwable throwable) {
    String message = throwable == null ? "" : String.valueOf(throwable.getMessage());
    if (message.startsWith("Invalid character found in the request target")) {
      return "The request's path or query holds a character that must be percent-encoded (a space,"
          + " < > \\\" { } | \\\\ ^ or `)";
    }
    if (message.startsWith("Request header is too large")) {
      return "The request's headers are too large";
    }
    if (message.contains("does not conform to RFC 9112")) {
      return "A header line of the request is malformed (RFC 9112: a name, a colon, a value)";
    }
    return "The request could not be read: an encoded NUL or backslash in its path, or a malformed"
        + " request line or header";
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    String detail = "";
    if (status == 505 || status == 501) {
      // A request line of another HTTP version (HTTP/2.0 over plain text), a Transfer-Encoding
      // Tomcat does not implement (gzip, say; RFC 9112 suggests a 501 for it), or a method it does
      // not (CONNECT): the caller's mistake, which a 5xx would put down to this API, and page
      // whoever watches its errors.
      status = 400;
      if (response.getStatus() == 501 && request.getHeader("Transfer-Encoding") != null) {
        detail =
            ",\"detail\":\"Send the body as it is or chunked: no other Transfer-Encoding is"
                + " taken\"";
      } else if (response.getStatus() == 501) {
        status = 405;
        response.setHeader("Allow", ALLOWED);
        detail = ",\"detail\":\"No path here takes this method\"";
      }
      response.setStatus(status);
    } else if (status == 400) {
      detail = ",\"detail\":\"" + unread(throwable) + "\"";
    }
    ProblemType type = ProblemType.forStatus(status);
    String json =
        "{\"type\":\"%s\",\"title\":\"%s\",\"status\":%d%s}"
            .formatted(type.uri(), type.title().replace("\"", "'"), status, detail);
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(json);
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The connection is gone or the response committed: nothing more can be said.
    }
  }
}
