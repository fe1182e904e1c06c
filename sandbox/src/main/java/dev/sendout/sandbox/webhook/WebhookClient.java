package dev.sendout.sandbox.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The HTTP side of {@link WebhookPoster}: a small pool of daemon threads to post and retry on, one
 * POST with its outcome, and the backoff both providers use.
 */
public final class WebhookClient {

  /** A few posters keep a fast receiver busy without letting a slow one pile up connections. */
  private static final int THREADS = 3;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Retries back off to at most this. */
  public static final long MAX_BACKOFF_MS = 30_000;

  // HTTP/1.1 as the providers use, without the h2c upgrade attempt that some receivers mishandle.
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(CONNECT_TIMEOUT)
          .build();

  /** The pool a poster posts and retries on; its threads never keep the JVM alive. */
  public static ScheduledThreadPoolExecutor pool(String threadNamePrefix) {
    CustomizableThreadFactory threads = new CustomizableThreadFactory(threadNamePrefix);
    threads.setDaemon(true);
    return new ScheduledThreadPoolExecutor(THREADS, threads);
  }

  /** Posts a JSON body once; the failure described, or empty when the receiver answered 2xx. */
  public Optional<String> post(String url, byte[] body, Map<String, String> headers)
      throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return status >= 200 && status < 300 ? Optional.empty() : Optional.of("status " + status);
    } catch (IOException e) {
      return Optional.of(e.getClass().getSimpleName());
    }
  }

  /** Whether a configured webhook URL is one this client can post to. */
  public static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** 1 s, 2 s, 4 s and so on from the initial backoff, never more than 30 s. */
  public static long backoffMs(long initialMs, int attempt) {
    long doubled = initialMs << Math.min(attempt - 1, 20);
    return Math.min(doubled, MAX_BACKOFF_MS);
  }
}
