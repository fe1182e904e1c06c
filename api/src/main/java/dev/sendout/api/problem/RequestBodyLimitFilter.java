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
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Refuses request bodies over {@code sendout.api.max-body-size} with 413: at once when the
 * Content-Length says so, or as soon as a chunked body crosses the limit while it is read. Memory
 * per request stays bounded whatever a caller sends.
 */
@Component
public class RequestBodyLimitFilter extends OncePerRequestFilter {

  private final long limit;
  private final ObjectMapper json;

  public RequestBodyLimitFilter(ApiProperties properties, ObjectMapper json) {
    this.limit = properties.maxBodySize().toBytes();
    this.json = json;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > limit) {
      var problem = ApiExceptionHandler.respond(ProblemType.BODY_TOO_LARGE, tooLarge(), List.of());
      problem.getBody().setInstance(URI.create(request.getRequestURI()));
      response.setStatus(problem.getStatusCode().value());
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      json.writeValue(response.getOutputStream(), problem.getBody());
      return;
    }
    chain.doFilter(new LimitedRequest(request), response);
  }

  private String tooLarge() {
    return "The request body exceeds " + limit + " bytes";
  }

  /** Raised while reading a body that crosses the limit; the handler answers it with 413. */
  public static class BodyTooLargeException extends IOException {
    BodyTooLargeException(String message) {
      super(message);
    }
  }

  private final class LimitedRequest extends HttpServletRequestWrapper {
    private ServletInputStream stream;

    LimitedRequest(HttpServletRequest request) {
      super(request);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new LimitedStream(super.getInputStream());
      }
      return stream;
    }
  }

  private final class LimitedStream extends ServletInputStream {
    private final ServletInputStream in;
    private long read;

    LimitedStream(ServletInputStream in) {
      this.in = in;
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
        throw new BodyTooLargeException(tooLarge());
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
