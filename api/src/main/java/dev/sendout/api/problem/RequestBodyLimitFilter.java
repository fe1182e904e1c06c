package dev.sendout.api.problem;

import dev.sendout.api.ApiProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Refuses request bodies over their endpoint's limit with 413: at once when the Content-Length says
 * so, or as soon as a chunked body crosses the limit while it is read, before anything holds it
 * whole. Memory per request stays bounded whatever a caller sends. The limit is the endpoint's, not
 * the Content-Type's: only the recipient upload, the response import and the suppression import
 * take {@code sendout.api.max-upload-size}, the webhooks take {@code max-webhook-body-size}, the
 * one-click unsubscribe links 4 KB, and everything else {@code max-body-size}.
 */
@Component
public class RequestBodyLimitFilter extends OncePerRequestFilter {

  /** Media types of uploads streamed to the store, which have a limit of their own. */
  static final List<MediaType> UPLOADS =
      List.of(
          MediaType.parseMediaType("application/x-ndjson"), MediaType.parseMediaType("text/csv"));

  /**
   * The endpoints that stream an upload: {@code SupportController.upload}, {@code
   * ResponseController.importResponses} and {@code SuppressionController.importCsv}.
   */
  private static final Pattern UPLOAD_PATH =
      Pattern.compile("/v1/sendouts/[^/]+/(recipients|responses)|/v1/suppressions");

  private static final String WEBHOOKS = "/webhooks/";

  /**
   * The one-click unsubscribe links, which anyone may call: RFC 8058's body is 26 bytes, and a form
   * post from the confirmation page not much more.
   */
  private static final String UNSUBSCRIBE = "/u/";

  static final long UNSUBSCRIBE_LIMIT = 4 * 1024;

  private final long bodyLimit;
  private final long uploadLimit;
  private final long webhookLimit;
  private final ObjectMapper json;

  public RequestBodyLimitFilter(ApiProperties properties, ObjectMapper json) {
    this.bodyLimit = properties.maxBodySize().toBytes();
    this.uploadLimit = properties.maxUploadSize().toBytes();
    this.webhookLimit = properties.maxWebhookBodySize().toBytes();
    this.json = json;
  }

  long limitOf(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (path.startsWith(WEBHOOKS)) {
      return webhookLimit;
    }
    if (path.startsWith(UNSUBSCRIBE)) {
      return UNSUBSCRIBE_LIMIT;
    }
    return "POST".equals(request.getMethod())
            && UPLOAD_PATH.matcher(path).matches()
            && isUpload(request.getContentType())
        ? uploadLimit
        : bodyLimit;
  }

  private static boolean isUpload(String type) {
    if (type == null) {
      return false;
    }
    try {
      MediaType media = MediaType.parseMediaType(type);
      return UPLOADS.stream().anyMatch(u -> u.isCompatibleWith(media));
    } catch (InvalidMediaTypeException e) {
      // Not a media type at all: no upload, and Spring MVC answers it with 415.
      return false;
    }
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long limit = limitOf(request);
    if (request.getContentLengthLong() > limit) {
      ApiExceptionHandler.write(
          new ApiProblem(ProblemType.BODY_TOO_LARGE, tooLarge(limit)), request, response, json);
      return;
    }
    chain.doFilter(new LimitedRequest(request, limit), response);
  }

  private static String tooLarge(long limit) {
    return "The request body exceeds " + limit + " bytes";
  }

  /** Raised while reading a body that crosses the limit; the handler answers it with 413. */
  public static class BodyTooLargeException extends IOException {
    BodyTooLargeException(String message) {
      super(message);
    }
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    LimitedRequest(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new LimitedStream(super.getInputStream(), limit);
      }
      return stream;
    }
  }

  private static final class LimitedStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private long read;

    LimitedStream(ServletInputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) throws BodyTooLargeException {
      read += n;
      if (read > limit) {
        throw new BodyTooLargeException(tooLarge(limit));
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
