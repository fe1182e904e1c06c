package dev.sendout.api.problem;

import dev.sendout.api.ApiProperties;
import dev.sendout.core.config.RequestPath;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
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
 *
 * <p>A body must also keep coming: once its reads have waited {@link #SLOW_BODY_GRACE_NANOS} for
 * the client in all, it must have arrived at {@link #MIN_BODY_RATE} bytes a second at least, or the
 * request is refused with 408. A client trickling a body a byte at a time would otherwise hold its
 * request thread, and its place among the {@code /v1} requests in progress, for as long as it
 * likes; a webhook's body is read before its signature can be checked, so anyone could. Only the
 * time spent waiting for the client counts, not the time the handler spends between reads (an
 * upload's batches going to the store).
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

  /** How long reads may wait for a body before its rate is judged: 10 s. */
  static final long SLOW_BODY_GRACE_NANOS = 10_000_000_000L;

  /** The least rate, in bytes a second of waiting, a body must arrive at after the grace. */
  static final long MIN_BODY_RATE = 8 * 1024;

  /**
   * How long the reads of a body anyone may send (a webhook's, an unsubscribe link's) may wait in
   * all: 30 s. At the least rate a 4 MB webhook body took eight minutes, and thirty such callers,
   * each sending a little faster, held every place of the public bound that long. A provider posts
   * its batch from its own network in well under a second.
   */
  static final long PUBLIC_BODY_TIME_NANOS = 30_000_000_000L;

  private final long bodyLimit;
  private final long uploadLimit;
  private final long webhookLimit;
  private final ObjectMapper json;
  private final LongSupplier nanoTime;

  @Autowired
  public RequestBodyLimitFilter(ApiProperties properties, ObjectMapper json) {
    this(properties, json, System::nanoTime);
  }

  RequestBodyLimitFilter(ApiProperties properties, ObjectMapper json, LongSupplier nanoTime) {
    this.bodyLimit = properties.maxBodySize().toBytes();
    this.uploadLimit = properties.maxUploadSize().toBytes();
    this.webhookLimit = properties.maxWebhookBodySize().toBytes();
    this.json = json;
    this.nanoTime = nanoTime;
  }

  long limitOf(HttpServletRequest request) {
    return limitOf(request, RequestPath.of(request));
  }

  private long limitOf(HttpServletRequest request, String path) {
    if (path.startsWith(WEBHOOKS)) {
      return webhookLimit;
    }
    if (path.startsWith(UNSUBSCRIBE)) {
      return UNSUBSCRIBE_LIMIT;
    }
    return isUpload(request) ? uploadLimit : bodyLimit;
  }

  /**
   * Whether the request streams an upload to the store, reading its body inside the transaction
   * that holds a database connection: recipients, responses or suppressions as CSV or NDJSON.
   */
  public static boolean isUpload(HttpServletRequest request) {
    return "POST".equals(request.getMethod())
        && UPLOAD_PATH.matcher(RequestPath.of(request)).matches()
        && isUpload(request.getContentType());
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
    String path = RequestPath.of(request);
    long limit = limitOf(request, path);
    if (request.getContentLengthLong() > limit) {
      ApiExceptionHandler.write(
          new ApiProblem(ProblemType.BODY_TOO_LARGE, tooLarge(limit)), request, response, json);
      return;
    }
    long maxWait =
        path.startsWith(WEBHOOKS) || path.startsWith(UNSUBSCRIBE)
            ? PUBLIC_BODY_TIME_NANOS
            : Long.MAX_VALUE;
    chain.doFilter(new LimitedRequest(request, limit, maxWait, nanoTime), response);
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

  /** Raised while reading a body that comes too slowly; the handler answers it with 408. */
  public static class BodyTooSlowException extends IOException {
    BodyTooSlowException(String message) {
      super(message);
    }
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long limit;
    private final long maxWaitNanos;
    private final LongSupplier nanoTime;
    private ServletInputStream stream;

    LimitedRequest(
        HttpServletRequest request, long limit, long maxWaitNanos, LongSupplier nanoTime) {
      super(request);
      this.limit = limit;
      this.maxWaitNanos = maxWaitNanos;
      this.nanoTime = nanoTime;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new LimitedStream(super.getInputStream(), limit, maxWaitNanos, nanoTime);
      }
      return stream;
    }
  }

  private static final class LimitedStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private final long maxWaitNanos;
    private final LongSupplier nanoTime;
    private long read;
    private long waitedNanos;

    LimitedStream(ServletInputStream in, long limit, long maxWaitNanos, LongSupplier nanoTime) {
      this.in = in;
      this.limit = limit;
      this.maxWaitNanos = maxWaitNanos;
      this.nanoTime = nanoTime;
    }

    @Override
    public int read() throws IOException {
      long start = nanoTime.getAsLong();
      int b = in.read();
      count(b < 0 ? 0 : 1, start);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      long start = nanoTime.getAsLong();
      int n = in.read(buffer, offset, length);
      count(Math.max(n, 0), start);
      return n;
    }

    private void count(int n, long start) throws IOException {
      read += n;
      if (read > limit) {
        throw new BodyTooLargeException(tooLarge(limit));
      }
      waitedNanos += nanoTime.getAsLong() - start;
      if (waitedNanos > maxWaitNanos) {
        throw new BodyTooSlowException(
            "The request body took over %d s to come; it must come within it"
                .formatted(maxWaitNanos / 1_000_000_000L));
      }
      if (waitedNanos > SLOW_BODY_GRACE_NANOS
          && read < MIN_BODY_RATE * (waitedNanos / 1_000_000_000L)) {
        throw new BodyTooSlowException(
            "The request body came at %d bytes a second; it must come at %d at least"
                .formatted(read * 1_000_000_000L / waitedNanos, MIN_BODY_RATE));
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
