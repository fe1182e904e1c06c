package dev.sendout.core.config;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * Where a request goes, for a filter that decides by it: its path within the application, each
 * segment without its {@code ;parameters} and percent-decoded as UTF-8 (but an encoded slash, which
 * stays within its segment), which is how Spring MVC's path patterns read a path ({@code .}, {@code
 * ..} and empty segments stay as they are, as they do for Spring). A filter that decided by the raw
 * request URI could be passed by {@code /v1;x/sendouts} or {@code /%761/sendouts}, which Spring
 * routes to the same controller. Read from the URI alone, in UTF-8 whatever the request's own
 * character encoding says (a {@code charset=} with no name made Spring's path helper throw, a 500
 * before any check). Worked out once per request.
 */
public final class RequestPath {

  private static final String ATTRIBUTE = RequestPath.class.getName();

  private RequestPath() {}

  /** The request's path, normalised as above; {@code "/"} for the root. */
  public static String of(HttpServletRequest request) {
    if (request.getAttribute(ATTRIBUTE) instanceof String path) {
      return path;
    }
    String uri = request.getRequestURI();
    String path =
        normalise(uri.substring(Math.min(request.getContextPath().length(), uri.length())));
    request.setAttribute(ATTRIBUTE, path);
    return path;
  }

  /** Whether the request's path is {@code root} or lies under it ({@code root} without a slash). */
  public static boolean isUnder(HttpServletRequest request, String root) {
    String path = of(request);
    return path.equals(root) || path.startsWith(root + "/");
  }

  static String normalise(String raw) {
    StringJoiner path = new StringJoiner("/");
    for (String segment : raw.split("/", -1)) {
      int parameters = segment.indexOf(';');
      path.add(decode(parameters < 0 ? segment : segment.substring(0, parameters)));
    }
    return raw.isEmpty() ? "/" : path.toString();
  }

  /** Percent-decoded as UTF-8; a segment that is not valid percent-encoding is kept as it is. */
  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
      int lo = hi < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
      if (lo < 0) {
        return segment;
      }
      int b = hi * 16 + lo;
      if (b == '/') {
        // Kept encoded: within its segment, as Spring matches it (Tomcat passes it through).
        bytes.writeBytes(segment.substring(i, i + 3).getBytes(StandardCharsets.UTF_8));
      } else {
        bytes.write(b);
      }
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
