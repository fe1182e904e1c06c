package dev.sendout.activities.delivery;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.conn.ClientConnectionManager;
import org.apache.http.conn.ConnectionPoolTimeoutException;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.params.HttpParams;
import org.apache.http.protocol.HttpContext;

/** The HTTP client the provider SDKs (SendGrid's and Vonage's, both on Apache HttpClient 4) use. */
public final class ProviderHttpClient {

  /** Aborts the calls that outlive their deadline; one thread for every client. */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

  private ProviderHttpClient() {}

  /**
   * A client with timeouts set (the SDKs' defaults have none, or a minute) that never resends on
   * its own: a resent POST could deliver every message it carries twice.
   *
   * <p>A call, its answer read to the end, takes at most {@link #deadline}: the socket's timeout
   * bounds each wait for the next bytes, not the whole answer, and a provider (or a proxy before
   * it) that trickled its answer, a byte every few seconds, held the call, its thread and its
   * connection until it closed them itself (a fault drill: over three minutes, well past the
   * activity's own timeout, one more thread held at every retry). A call cut off at its deadline
   * fails as a read that timed out does: its outcome is unknown.
   *
   * @param connectTimeout a connection that cannot be made in this time means nothing was sent
   * @param readTimeout how long to wait for the answer; past it the send's outcome is unknown
   */
  public static CloseableHttpClient create(
      Duration connectTimeout, Duration readTimeout, int maxConnections) {
    RequestConfig timeouts =
        RequestConfig.custom()
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setConnectionRequestTimeout((int) connectTimeout.toMillis())
            .setSocketTimeout((int) readTimeout.toMillis())
            .build();
    CloseableHttpClient client =
        HttpClients.custom()
            .setDefaultRequestConfig(timeouts)
            .disableAutomaticRetries()
            .setMaxConnTotal(maxConnections)
            .setMaxConnPerRoute(maxConnections)
            .build();
    return new Deadlined(client, deadline(connectTimeout, readTimeout));
  }

  /**
   * Why a call that never reached {@code provider} was not sent, as the log and the Web UI say it.
   * A wait for a pooled connection that timed out is ours, not the provider's: every connection was
   * busy with calls the provider was slow to answer (a crash drill's forty one-recipient sendouts
   * released at once against answers that took 12 s), which read "SendGrid unreachable".
   */
  public static String notReached(String provider, Throwable cause) {
    return cause instanceof ConnectionPoolTimeoutException
        ? "No free connection to %s in time: every pooled one was busy with a call it had not answered yet"
            .formatted(provider)
        : provider + " unreachable: " + cause.getClass().getSimpleName();
  }

  /**
   * A call's deadline: a wait for a pooled connection and a connect, each up to the connect
   * timeout, and one whole read timeout for the answer.
   */
  static Duration deadline(Duration connectTimeout, Duration readTimeout) {
    return connectTimeout.multipliedBy(2).plus(readTimeout);
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    var timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "provider-call-deadline");
              thread.setDaemon(true);
              return thread;
            });
    // A call that ends in time takes its abort off the queue, and the request with it.
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Aborts each call still open at its deadline: before its answer came, or while it is read. */
  static final class Deadlined extends CloseableHttpClient {

    private final CloseableHttpClient client;
    private final Duration deadline;

    Deadlined(CloseableHttpClient client, Duration deadline) {
      this.client = client;
      this.deadline = deadline;
    }

    @Override
    protected CloseableHttpResponse doExecute(
        HttpHost target, HttpRequest request, HttpContext context) throws IOException {
      if (!(request instanceof HttpUriRequest abortable)) {
        return client.execute(target, request, context);
      }
      ScheduledFuture<?> abort =
          DEADLINES.schedule(abortable::abort, deadline.toMillis(), TimeUnit.MILLISECONDS);
      CloseableHttpResponse response;
      try {
        response = client.execute(target, request, context);
      } catch (IOException | RuntimeException e) {
        abort.cancel(false);
        throw e;
      }
      // The answer is read after this returns; the deadline holds until it is closed.
      return (CloseableHttpResponse)
          Proxy.newProxyInstance(
              CloseableHttpResponse.class.getClassLoader(),
              new Class<?>[] {CloseableHttpResponse.class},
              (proxy, method, arguments) -> {
                if (method.getName().equals("close")) {
                  abort.cancel(false);
                }
                try {
                  return method.invoke(response, arguments);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    @Override
    public void close() throws IOException {
      client.close();
    }

    @Override
    @SuppressWarnings("deprecation")
    public HttpParams getParams() {
      return client.getParams();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ClientConnectionManager getConnectionManager() {
      return client.getConnectionManager();
    }
  }
}
